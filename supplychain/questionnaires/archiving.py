"""Write a questionnaire's older versions as patches (`supplychain questionnaires archive`).

Every version of one questionnaire but the current is rewritten as
`archive/<id>-v<N>.patch.yaml`: the changes that turn the next newer version back into it.
Full copies of older versions are replaced by their patch. Each patch is applied once before it
is written and must rebuild its version exactly, so nothing an answer refers to can change.
No Flask: the command line only prints the plan this module makes and carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import versions
from .loader import (
    Problem,
    QuestionnaireError,
    Version,
    is_patch,
    load_versions,
    questionnaire_files,
    read_data,
    read_text,
    validate,
)

HEADER = (
    "# {id} version {version}, kept as the changes that turn version {newer} back into it.\n"
    "# Written by `supplychain questionnaires archive {id}` (see docs/questionnaires.md).\n"
)


@dataclass
class Plan:
    """What archiving writes (path: text) and which files it then takes away."""

    write: dict[Path, str] = field(default_factory=dict)
    delete: list[Path] = field(default_factory=list)

    def carry_out(self) -> None:
        for path, text in self.write.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for path in self.delete:
            path.unlink()


def plan_archive(directory: Path, questionnaire_id: str, previous: Path | None = None) -> Plan:
    """The patches for every older version of questionnaire_id in directory.

    previous is the current file as it was before an edit (outside directory): with the same
    version, the archived versions are rebuilt from it (the current file was changed in place);
    with a lower one, it is the version just replaced and is archived too.
    """
    paths = questionnaire_files(directory)
    current_path = _current_file(paths, questionnaire_id)
    current = _load_one(current_path)
    sources = [p for p in paths if p != current_path]
    if previous is not None:
        sources.append(previous)
    if previous is None or _previous_version(previous, current) < current.questionnaire.version:
        sources.append(current_path)
    loaded = load_versions(sources)
    chain = sorted(
        (v for (qid, _n), v in loaded.items() if qid == questionnaire_id),
        key=lambda v: v.questionnaire.version,
        reverse=True,
    )
    chain[0] = current
    return _plan(directory, chain, keep={current_path, *([previous] if previous else [])})


def _plan(directory: Path, chain: list[Version], keep: set[Path]) -> Plan:
    plan = Plan()
    for newer, older in zip(chain, chain[1:], strict=False):
        target = directory / "archive" / f"{older.questionnaire.id}-v{older.questionnaire.version}"
        target = target.with_name(target.name + ".patch.yaml")
        plan.write[target] = patch_text(newer, older)
        if older.origin != target and older.origin not in keep:
            plan.delete.append(older.origin)
    return plan


def patch_text(newer: Version, older: Version) -> str:
    """The patch file that rebuilds older from newer, checked by applying it."""
    changes = versions.changes_between(newer.data, older.data)
    sha256 = versions.digest(older.data)
    if versions.digest(versions.apply(newer.data, changes)) != sha256:  # pragma: no cover
        raise AssertionError(f"the patch for {older.origin} does not rebuild it")
    q = older.questionnaire
    head = {"id": q.id, "version": q.version, "newer_version": newer.questionnaire.version}
    body = {**head, "sha256": sha256, "changes": changes}
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER.format(id=q.id, version=q.version, newer=newer.questionnaire.version) + text


class _Dumper(yaml.SafeDumper):
    """Safe YAML with texts of several lines written as blocks, as a person would."""


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _current_file(paths: list[Path], questionnaire_id: str) -> Path:
    """The full file holding questionnaire_id's highest version."""
    found: list[tuple[int, Path]] = []
    for path in (p for p in paths if not is_patch(p)):
        data, _lines = read_data(read_text(path), str(path))
        version = data.get("version")
        if data.get("id") == questionnaire_id and isinstance(version, int):
            found.append((version, path))
    if not found:
        raise QuestionnaireError(
            [Problem(questionnaire_id, None, "id", "no questionnaire file has this id")]
        )
    return max(found)[1]


def _previous_version(previous: Path, current: Version) -> int:
    """previous's version, once it is known to be an earlier state of the current file."""
    before = _load_one(previous).questionnaire
    if before.id != current.questionnaire.id:
        raise _error(previous, "id", f"is {before.id}, not {current.questionnaire.id}")
    if before.version > current.questionnaire.version:
        raise _error(previous, "version", "is higher than the current file's")
    return before.version


def _load_one(path: Path) -> Version:
    data, lines = read_data(read_text(path), str(path))
    return Version(validate(data, lines, str(path)), data, path)


def _error(path: Path, key: str, message: str) -> QuestionnaireError:
    return QuestionnaireError([Problem(str(path), None, key, message)])
