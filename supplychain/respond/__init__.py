"""The supplier's answering pages, reached from an emailed link, with no account."""
