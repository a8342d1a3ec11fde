"""Geometry for the small charts (trend over runs, questionnaire coverage, a check-in question's
answers), computed here and drawn by SVG templates, so that the page and the PDF report draw the
very same picture."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..vocab import GRAVEST_FIRST

SEVERITIES = tuple(s.value for s in GRAVEST_FIRST)
COLOURS = {
    "critical": "#7f1d1d",
    "high": "#b3261e",
    "medium": "#d97706",
    "low": "#93a3ad",
    "answered": "#1e7a4c",
    "waiting": "#b9c7cf",
    "never": "#e8eef1",
}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: tuple[Rect, ...]
    labels: tuple[Label, ...]


def trend(
    runs: Sequence[tuple[str, Mapping[str, int]]],
    width: int = 560,
    height: int = 180,
    names: Mapping[str, str] | None = None,
) -> Chart:
    """Stacked bars of flags by severity, one bar per run (oldest on the left); names: the
    severities as the reader calls them, for the bars' titles."""
    names = names or {}
    top, bottom, left = 12, 28, 36
    tallest = max((sum(counts.values()) for _label, counts in runs), default=0) or 1
    slot = (width - left) / max(len(runs), 1)
    bar = min(slot * 0.6, 48)
    scale = (height - top - bottom) / tallest
    rects, labels = (
        [],
        [
            Label(left - 6, top + 4, str(tallest), "end"),
            Label(left - 6, height - bottom, "0", "end"),
        ],
    )
    for i, (label, counts) in enumerate(runs):
        x = left + i * slot + (slot - bar) / 2
        y: float = height - bottom
        for severity in reversed(SEVERITIES):
            n = counts.get(severity, 0)
            if n:
                h = n * scale
                y -= h
                rects.append(
                    Rect(
                        x,
                        y,
                        bar,
                        h,
                        COLOURS[severity],
                        f"{label}: {n} {names.get(severity, severity)}",
                    )
                )
        labels.append(Label(x + bar / 2, height - bottom + 16, label))
    return Chart(width, height, tuple(rects), tuple(labels))


def coverage(
    answered: int,
    waiting: int,
    never: int,
    width: int = 560,
    height: int = 44,
    names: Mapping[str, str] | None = None,
) -> Chart:
    """One bar: suppliers who answered, who were asked and have not, who were never asked;
    names: these three as the reader calls them, for the parts' titles."""
    names = names or {}
    total = answered + waiting + never or 1
    rects, x = [], 0.0
    for key, n in (("answered", answered), ("waiting", waiting), ("never", never)):
        w = width * n / total
        if n:
            rects.append(Rect(x, 0, w, height - 18, COLOURS[key], f"{names.get(key, key)}: {n}"))
        x += w
    return Chart(width, height, tuple(rects), ())


QUIET = ("#1e7a4c", "#93a3ad", "#b9c7cf", "#e8eef1")  # answers that are no sign, in turn
SIGNS = (COLOURS["high"], COLOURS["critical"])  # answers that are a sign, in turn


def answers(given: Sequence[tuple[str, int, bool]], width: int = 320, height: int = 18) -> Chart:
    """One bar of a check-in question's answers, (option, workers, is a sign) in the question's
    order: the answers that are a sign of its indicator in reds, the others in quiet shades."""
    total = sum(n for _option, n, _sign in given) or 1
    rects, x = [], 0.0
    reds, quiet = iter(SIGNS * len(given)), iter(QUIET * len(given))
    for option, n, sign in given:
        fill = next(reds) if sign else next(quiet)
        w = width * n / total
        if n:
            rects.append(Rect(x, 0, w, height, fill, f"{option}: {n}"))
        x += w
    return Chart(width, height, tuple(rects), ())
