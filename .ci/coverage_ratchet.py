"""The total-coverage ratchet: the full test run's coverage of the supplychain package (lines
and branches, from the .coverage file pytest-cov wrote) may not fall below the floor in
.ci/coverage-floor, and once it is more than two points above it the floor must be raised, so
the total can only go up. Run after `python -m pytest --cov=supplychain` (see .ci/run)."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import coverage

FLOOR_FILE = Path(__file__).with_name("coverage-floor")
SLACK = 2.0  # points above the floor allowed before the floor must be raised


def main() -> int:
    floor = float(FLOOR_FILE.read_text(encoding="utf-8").split("#", 1)[0].strip())
    measured = coverage.Coverage()
    measured.load()
    total = measured.report(file=io.StringIO())
    print(f"total coverage {total:.2f}%, floor {floor:g}%")
    if total < floor:
        print(f"coverage fell below the floor in {FLOOR_FILE}: add tests for the new code")
        return 1
    if total > floor + SLACK:
        print(
            f"coverage is more than {SLACK:g} points above the floor: raise it to "
            f"{math.floor(total)} in {FLOOR_FILE}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
