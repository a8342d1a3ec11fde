"""Accounts: organisations signing up, users signing in, colleagues, password resets."""
