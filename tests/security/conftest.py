"""Fixtures shared with other test folders."""

from tests.respond.conftest import invited  # noqa: F401 (a supplier invited, with its link)
