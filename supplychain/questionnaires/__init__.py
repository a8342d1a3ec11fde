"""Questionnaires as data: the file format, the catalogue, forms generated from it, answers."""
