"""Read questionnaire files: one loader, one error type naming the file, line and path."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import versions
from .schema import Questionnaire, cross_check, with_notes

try:  # the C loader is ten times faster; the pure one gives the same nodes
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover (libyaml is in the PyPI wheels)
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]  # its pure twin

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


def read_data(text: str, name: str) -> tuple[dict[str, Any], dict[Path_, int]]:
    """A file's plain data (yes/no kept as text) and the line of each path in it."""
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
    return data, lines


def validate(data: dict[str, Any], lines: dict[Path_, int], name: str) -> Questionnaire:
    """A questionnaire from a file's data; QuestionnaireError lists every problem."""
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


def parse_questionnaire(text: str, name: str) -> Questionnaire:
    """Parse and validate one file's text; raise QuestionnaireError with every problem."""
    return validate(*read_data(text, name), name)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem(str(path), None, "", f"cannot read: {exc}")]) from None


def load_questionnaire(path: Path) -> Questionnaire:
    """Load and validate one file."""
    return parse_questionnaire(read_text(path), str(path))


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


@dataclass(frozen=True)
class Version:
    """One loaded version: the questionnaire, its plain data and the file it came from."""

    questionnaire: Questionnaire
    data: dict[str, Any]
    origin: Path


def load_all(paths: Iterable[Path]) -> Catalogue:
    """Load every file; raise one QuestionnaireError with the problems of all of them."""
    loaded = load_versions(paths)
    return Catalogue({key: v.questionnaire for key, v in loaded.items()})


def load_versions(paths: Iterable[Path]) -> dict[tuple[str, int], Version]:
    """Every version the files hold, archived patches rebuilt from the version after them."""
    problems: list[Problem] = []
    loaded: dict[tuple[str, int], Version] = {}
    paths = list(paths)

    def add(q: Questionnaire, data: dict[str, Any], path: Path) -> None:
        key = (q.id, q.version)
        if key in loaded:
            message = f"{q.id} version {q.version} is also in {loaded[key].origin}"
            problems.append(Problem(str(path), None, "version", message))
        loaded[key] = Version(q, data, path)

    for path in (p for p in paths if not is_patch(p)):
        try:
            data, lines = read_data(read_text(path), str(path))
            add(validate(data, lines, str(path)), data, path)
        except QuestionnaireError as exc:
            problems += exc.problems
    for patch in _read_patches([p for p in paths if is_patch(p)], problems):
        newer = loaded.get((patch.id, patch.newer_version))
        if newer is None:
            problems.append(
                patch.problem(
                    "newer_version", f"{patch.id} version {patch.newer_version} is not loaded"
                )
            )
            continue
        try:
            data = rebuild(patch, newer.data)
            add(
                validate(data, {}, f"{patch.file} (version {patch.version} rebuilt)"),
                data,
                Path(patch.file),
            )
        except QuestionnaireError as exc:
            problems += exc.problems
    if problems:
        raise QuestionnaireError(problems)
    return loaded


# Archived versions kept as patches (see versions.py) ------------------------------------------

PATCH_SUFFIXES = (".patch.yaml", ".patch.yml")
_PATCH_KEYS = ("id", "version", "newer_version", "sha256", "changes")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_patch(path: Path) -> bool:
    return path.name.endswith(PATCH_SUFFIXES)


@dataclass(frozen=True)
class Patch:
    """An archived version: the changes that turn version newer_version back into it."""

    file: str
    id: str
    version: int
    newer_version: int
    sha256: str
    changes: list[Any]
    lines: dict[Path_, int]

    def problem(self, path: str, message: str, index: int | None = None) -> Problem:
        where: Path_ = ("changes", index) if index is not None else (path,)
        return Problem(self.file, _line(where, self.lines), path, message)


def read_patch(path: Path) -> Patch:
    """Read one patch file; QuestionnaireError names each key that is wrong."""
    name = str(path)
    data, lines = read_data(read_text(path), name)
    problems = [
        Problem(name, _line((k,), lines), str(k), "not a key of a patch file")
        for k in data
        if k not in _PATCH_KEYS
    ]
    problems += [Problem(name, 1, k, "missing") for k in _PATCH_KEYS if k not in data]
    checks = {
        "id": (isinstance(data.get("id"), str), "the questionnaire's id, as text"),
        "version": (_whole(data.get("version")), "a whole number, 1 or more"),
        "newer_version": (
            _whole(data.get("newer_version"))
            and data["newer_version"] > (data["version"] if _whole(data.get("version")) else 0),
            "a whole number above version",
        ),
        "sha256": (bool(_SHA256.fullmatch(str(data.get("sha256")))), "64 hex digits"),
        "changes": (isinstance(data.get("changes"), list), "a list of changes"),
    }
    problems += [
        Problem(name, _line((k,), lines), k, f"must be {what}")
        for k, (ok, what) in checks.items()
        if k in data and not ok
    ]
    if problems:
        raise QuestionnaireError(problems)
    fields = {k: data[k] for k in _PATCH_KEYS}
    return Patch(file=name, lines=lines, **fields)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _read_patches(paths: list[Path], problems: list[Problem]) -> list[Patch]:
    """The readable patches, newest first within each id (each needs the one after it)."""
    patches = []
    for path in paths:
        try:
            patches.append(read_patch(path))
        except QuestionnaireError as exc:
            problems += exc.problems
    return sorted(patches, key=lambda p: (p.id, -p.version))


def rebuild(patch: Patch, newer: dict[str, Any]) -> dict[str, Any]:
    """The archived version's data: the patch applied to the newer version's, then checked."""
    try:
        data = versions.apply(newer, patch.changes)
    except versions.PatchError as exc:
        problem = patch.problem(f"changes[{exc.index}]", exc.message, exc.index)
        raise QuestionnaireError([problem]) from None
    if not isinstance(data, dict) or (data.get("id"), data.get("version")) != (
        patch.id,
        patch.version,
    ):
        message = f"do not rebuild {patch.id} version {patch.version} (see its id and version)"
        raise QuestionnaireError([patch.problem("changes", message)])
    if versions.digest(data) != patch.sha256:
        message = (
            f"version {patch.newer_version} no longer turns back into the archived version "
            f"{patch.version}: was the newer file changed without a new version? Put it back, "
            f"or run `supplychain questionnaires archive {patch.id} --previous FILE` with "
            "the file as it was"
        )
        raise QuestionnaireError([patch.problem("sha256", message)])
    return data
