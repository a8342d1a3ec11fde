"""Read questionnaire files: one loader, one error type naming the file, line and path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import Questionnaire, cross_check, with_notes

try:  # the C loader is ten times faster; the pure one gives the same nodes
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover (libyaml is in the PyPI wheels)
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top)'}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be used; problems lists every fault found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _tree(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    """Build plain data from a YAML node, recording each path's line (1-based)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _tree(key_node, (*path, "\0key"), {})
            out[key] = _tree(value_node, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_tree(item, (*path, i), lines) for i, item in enumerate(node.value)]
    if node.tag == _BOOL_TAG and node.value.lower() not in ("true", "false"):
        # YAML 1.1 reads yes/no/on/off as booleans; here they are answers and option values.
        return node.value
    return _YamlLoader("").construct_object(node, deep=True)  # a scalar: YAML's own typing


_BOOL_TAG = "tag:yaml.org,2002:bool"


def dotted(path: Path_) -> str:
    """('sections', 0, 'text', 'lv') -> 'sections[0].text.lv'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _file_path(loc: Path_, lines: dict[Path_, int]) -> Path_:
    """Map a pydantic error location onto the file: drop the union tags it inserts."""
    path: Path_ = ()
    for part in loc:
        if (*path, part) in lines:
            path = (*path, part)
    return path


def _line(path: Path_, lines: dict[Path_, int]) -> int | None:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def parse_questionnaire(text: str, name: str) -> Questionnaire:
    """Parse and validate one file's text; raise QuestionnaireError with every problem."""
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise QuestionnaireError([Problem(name, line, "", f"not valid YAML: {exc}")]) from None
    lines: dict[Path_, int] = {}
    data = _tree(root, (), lines) if root is not None else None
    if not isinstance(data, dict):
        raise QuestionnaireError([Problem(name, 1, "", "the file must be a mapping (id: ...)")])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            path = _file_path(tuple(error["loc"]), lines)
            problems.append(Problem(name, _line(path, lines), dotted(path), error["msg"]))
        raise QuestionnaireError(problems) from None
    found = cross_check(questionnaire)
    if found:
        raise QuestionnaireError(
            [Problem(name, _line(path, lines), dotted(path), message) for path, message in found]
        )
    expanded = with_notes(questionnaire)
    clashes = cross_check(expanded) if expanded is not questionnaire else []
    if clashes:  # a note's id already taken by a question of the file
        raise QuestionnaireError([Problem(name, None, dotted(p), m) for p, m in clashes])
    return expanded


def load_questionnaire(path: Path) -> Questionnaire:
    """Load and validate one file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), None, "", f"cannot read: {exc}")]) from None
    return parse_questionnaire(text, str(path))


def questionnaire_files(directory: Path) -> list[Path]:
    """The questionnaire files below directory (older versions may sit in subfolders)."""
    return sorted(p for p in directory.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


@dataclass(frozen=True)
class Catalogue:
    """Every loaded questionnaire by (id, version); `current` holds each id's newest version."""

    versions: dict[tuple[str, int], Questionnaire]

    @property
    def current(self) -> dict[str, Questionnaire]:
        newest: dict[str, Questionnaire] = {}
        for (qid, _version), q in sorted(self.versions.items()):
            newest[qid] = q
        return newest

    def get(self, questionnaire_id: str, version: int | None = None) -> Questionnaire | None:
        if version is None:
            return self.current.get(questionnaire_id)
        return self.versions.get((questionnaire_id, version))


def load_all(paths: Iterable[Path]) -> Catalogue:
    """Load every file; raise one QuestionnaireError with the problems of all of them."""
    problems: list[Problem] = []
    versions: dict[tuple[str, int], Questionnaire] = {}
    origin: dict[tuple[str, int], Path] = {}
    for path in paths:
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            problems += exc.problems
            continue
        key = (q.id, q.version)
        if key in versions:
            problems.append(
                Problem(
                    str(path),
                    None,
                    "version",
                    f"{q.id} version {q.version} is also in {origin[key]}",
                )
            )
        versions[key], origin[key] = q, path
    if problems:
        raise QuestionnaireError(problems)
    return Catalogue(versions)
