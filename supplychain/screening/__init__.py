"""Screening a contractual partner: the checklist chosen by its country, and the checks made."""
