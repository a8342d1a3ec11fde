"""Where the package's folders are: a module of its own, so that finding them does not import
the app factory (and with it every feature) from the package's __init__."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str, packaged_as: str | None = None) -> Path:
    """Locate a top-level folder (templates, static, questionnaires).

    An installed wheel carries it inside the package; a source checkout has it beside.
    """
    packaged = PACKAGE_DIR / (packaged_as or name)
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name
