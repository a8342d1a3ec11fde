"""The pure core imports neither the web stack nor the database layer (issue 21's first step:
each module listed here must stay importable in a fresh interpreter without them)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE = (
    "supplychain.vocab",
    "supplychain.chain.graph",
    "supplychain.chain.layout",
    "supplychain.risk.findings",
    "supplychain.questionnaires.schema",
    "supplychain.ops.checks",
)
FORBIDDEN = ("flask", "flask_babel", "sqlmodel", "sqlalchemy")


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_loads_no_web_or_database_library(module):
    probe = f"import sys, {module}; print(' '.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == [], f"{module} loads {', '.join(loaded)}"
