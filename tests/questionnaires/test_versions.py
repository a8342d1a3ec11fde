"""Older questionnaire versions kept as patches: rebuilt exactly, refused clearly when broken,
and written by `supplychain questionnaires archive`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from supplychain import create_app
from supplychain.cli import cli
from supplychain.questionnaires import versions
from supplychain.questionnaires.loader import (
    QuestionnaireError,
    load_all,
    load_versions,
    questionnaire_files,
)
from supplychain.resources import resource_dir
from tests.questionnaires.test_loader import GOOD

SHIPPED = Path(resource_dir("questionnaires", "questionnaires_data"))

# SHA-256 of each archived version as the schema reads it (canonical JSON of model_dump),
# computed from the full copies in questionnaires/archive/ before they were replaced by patches
# (commit 5a54a68). A schema change that adds a field changes these; then recompute them from
# that commit's files, never from the patches.
ARCHIVED = {
    ("agency-screening", 1): "f3c1a44470f562a856f6d576dd108559c125aaae51502e2af7d3b817cdbc5a93",
    ("company-risk-assessment", 1): (
        "37389ee23976b22fd8b6783f7a63e6c46e00b43187f5836287b735ce864222c3"
    ),
    ("company-risk-assessment", 2): (
        "c442d929d37030edc6678fe6bbe4804f04abf1e6ce5f05491e161c991bbd961c"
    ),
    ("supplier-self-assessment", 1): (
        "3beb6274a5445e014e25d3063141cad5dabb608f96be9b5688d5b76d9d727a59"
    ),
}


def _schema_digest(questionnaire) -> str:
    text = json.dumps(
        questionnaire.model_dump(mode="json"),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_every_archived_version_is_rebuilt_exactly_as_its_full_copy_was():
    loaded = load_versions(questionnaire_files(SHIPPED))
    rebuilt = {key: v for key, v in loaded.items() if v.origin.name.endswith(".patch.yaml")}
    assert set(rebuilt) == set(ARCHIVED)
    for key, digest in ARCHIVED.items():
        assert _schema_digest(rebuilt[key].questionnaire) == digest, key


def test_the_archive_holds_patches_only():
    archived = sorted(p.name for p in (SHIPPED / "archive").iterdir())
    assert archived and all(name.endswith(".patch.yaml") for name in archived), archived


# The changes themselves ------------------------------------------------------------------------

NEWER = {
    "id": "q",
    "version": 2,
    "languages": ["en"],
    "sections": [
        {"id": "a", "questions": [{"id": "x", "risks": [{"ilo": []}]}, {"id": "y"}]},
        {"id": "b", "questions": [{"id": "z", "options": [{"value": "no"}, {"value": "yes"}]}]},
    ],
}


@pytest.mark.parametrize(
    "older_of",
    [
        lambda d: {**d, "version": 1},
        lambda d: {**d, "title": {"en": "T"}},
        lambda d: {k: v for k, v in d.items() if k != "sections"},
        lambda d: {**d, "sections": d["sections"][::-1]},  # reordered: the whole list
        lambda d: {**d, "sections": [{"id": "new", "questions": []}, *d["sections"]]},
        lambda d: {**d, "sections": [d["sections"][1]]},
        lambda d: {**d, "sections": [*d["sections"], {"id": "c", "questions": []}]},
        lambda d: {**d, "sections": [{**d["sections"][0], "questions": [{"id": "y"}]}]},
        lambda d: {**d, "sections": [d["sections"][0], {"id": "b", "questions": [{"id": "z"}]}]},
        lambda d: {**d, "version": True},  # true is not 1
        lambda d: {**d, "languages": ["en", "lv"]},
        lambda d: {**d, "sections": [{"id": "a", "questions": [{"id": "x", "risks": [{}]}]}]},
        lambda d: {
            **d,
            "sections": [{**d["sections"][0], "questions": [{"id": "x"}, {"id": "x"}]}],
        },
    ],
)
def test_the_changes_between_two_versions_rebuild_the_older(older_of):
    older = older_of(json.loads(json.dumps(NEWER)))
    changes = versions.changes_between(NEWER, older)
    assert versions.digest(versions.apply(NEWER, changes)) == versions.digest(older)


def test_a_translation_added_to_a_risk_is_one_change_not_the_whole_list():
    """Risks have no ids: items in the same places are compared one by one."""
    newer = json.loads(json.dumps(NEWER))
    risk = newer["sections"][0]["questions"][0]["risks"][0]
    risk["explanation"] = {"en": "Why", "ru": "Почему"}
    older = json.loads(json.dumps(newer))
    del older["sections"][0]["questions"][0]["risks"][0]["explanation"]["ru"]
    changes = versions.changes_between(newer, older)
    assert changes == [{"remove": "sections.a.questions.x.risks[0].explanation.ru"}]
    assert versions.apply(newer, changes) == older


def test_only_mappings_are_compared_at_the_top():
    with pytest.raises(ValueError, match="a mapping"):
        versions.changes_between([], {"id": "q"})


def test_changes_address_items_by_id_value_or_position():
    changes = [
        {"set": "sections.a.questions.x.risks[0].ilo", "value": ["debt_bondage"]},
        {"remove": "sections.b.questions.z.options.no"},
        {"insert": "sections.a.questions", "after": "x", "value": {"id": "w"}},
        {"insert": "sections", "value": {"id": "first", "questions": []}},
        {"set": "sections.b.questions.z", "value": {"id": "z", "type": "text"}},
        {"set": "languages[0]", "value": "lv"},
    ]
    out = versions.apply(NEWER, changes)
    assert out["sections"][1]["questions"][0]["risks"][0]["ilo"] == ["debt_bondage"]
    assert [q["id"] for q in out["sections"][1]["questions"]] == ["x", "w", "y"]
    assert out["sections"][2]["questions"] == [{"id": "z", "type": "text"}]
    assert out["languages"] == ["lv"]
    assert out["sections"][0]["id"] == "first"
    assert NEWER["sections"][0]["questions"][0]["risks"][0]["ilo"] == []  # a copy was changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"set": "sections.nope.title", "value": 1}, "changes[1]: set sections.nope.title: no "),
        ({"remove": "sections.a.questions.q9"}, "remove sections.a.questions.q9: no 'q9' there"),
        ({"set": "sections.a.questions.q9", "value": {}}, "set sections.a.questions.q9: no 'q9'"),
        ({"set": "sections.a.x.y", "value": 1}, "sections.a.x.y: no 'x' there"),
        ({"set": "sections[7].id", "value": 1}, "sections[7].id: no '[7]' there"),
        ({"insert": "sections.a", "value": {}}, "insert sections.a: not a list"),
        ({"insert": "sections", "after": "zz", "value": {}}, "no 'zz' to insert after"),
        ({"set": "x", "remove": "y"}, "exactly one of set, remove, insert"),
        ({"set": "title"}, "set needs a value"),
        ({"remove": "title", "value": 1}, "remove does not take value"),
        ({"set": "a..b", "value": 1}, "not a path"),
        ({"set": 3, "value": 1}, "the path must be text"),
        ("set title", "a change must be a mapping"),
    ],
)
def test_a_bad_change_is_named_with_its_place(change, message):
    with pytest.raises(versions.PatchError) as caught:
        versions.apply(NEWER, [{"set": "version", "value": 1}, change])
    assert caught.value.index == 1 and message in str(caught.value)


# Patch files in a questionnaires folder ---------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    """tiny version 2 current, version 1 kept as a patch written by the archive command."""
    (tmp_path / "archive").mkdir(parents=True)
    (tmp_path / "archive" / "tiny-v1.yaml").write_text(GOOD)
    (tmp_path / "tiny.yaml").write_text(
        GOOD.replace("version: 1", "version: 2").replace(
            "{en: Pay, lv: Alga}", "{en: Wage, lv: Alga}"
        )
    )
    from supplychain.questionnaires.archiving import plan_archive

    plan_archive(tmp_path, "tiny").carry_out()
    return tmp_path


def _problems(folder: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_all(questionnaire_files(folder))
    return [str(p) for p in caught.value.problems]


def test_an_archived_patch_rebuilds_the_old_version(tmp_path):
    folder = _folder(tmp_path)
    assert sorted(p.name for p in (folder / "archive").iterdir()) == ["tiny-v1.patch.yaml"]
    catalogue = load_all(questionnaire_files(folder))
    assert catalogue.get("tiny", 1).question("pay").text.get("en") == "Pay"
    assert catalogue.current["tiny"].question("pay").text.get("en") == "Wage"
    original = load_all([_write(tmp_path / "orig.yaml", GOOD)]).get("tiny", 1)
    assert catalogue.get("tiny", 1) == original


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_current_file_changed_in_place_is_caught(tmp_path):
    folder = _folder(tmp_path)
    current = folder / "tiny.yaml"
    current.write_text(current.read_text().replace("{en: One, lv: Viens}", "{en: First, lv: V}"))
    (problem,) = _problems(folder)
    assert (
        "tiny-v1.patch.yaml:" in problem and ": sha256: version 2 no longer turns back" in problem
    )
    assert "questionnaires archive tiny --previous FILE" in problem


def test_a_bad_change_in_a_patch_file_names_the_file_line_and_change(tmp_path):
    folder = _folder(tmp_path)
    patch = folder / "archive" / "tiny-v1.patch.yaml"
    text = patch.read_text().replace("sections.one.questions.pay", "sections.one.questions.wage")
    patch.write_text(text)
    (problem,) = _problems(folder)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if ".wage" in row)
    assert problem.startswith(f"{patch}:{line}: changes[1]: set sections.one.questions.wage")


def test_a_patch_file_with_wrong_keys_or_no_newer_version_is_refused(tmp_path):
    folder = _folder(tmp_path)
    patch = folder / "archive" / "tiny-v1.patch.yaml"
    good = patch.read_text()
    patch.write_text(good.replace("newer_version: 2", "newer_version: 1\nnote: x"))
    problems = _problems(folder)
    assert any("note: not a key of a patch file" in p for p in problems)
    assert any("newer_version: must be a whole number above version" in p for p in problems)
    patch.write_text(good.replace("newer_version: 2", "newer_version: 7"))
    assert _problems(folder) == [f"{patch}:5: newer_version: tiny version 7 is not loaded"]


def test_a_patch_that_rebuilds_another_version_is_refused(tmp_path):
    folder = _folder(tmp_path)
    patch = folder / "archive" / "tiny-v1.patch.yaml"
    patch.write_text(patch.read_text().replace("  value: 1\n", "  value: 5\n", 1))
    (problem,) = _problems(folder)
    assert problem.endswith(": changes: do not rebuild tiny version 1 (see its id and version)")


def test_a_patch_beside_a_full_copy_of_the_same_version_is_refused(tmp_path):
    folder = _folder(tmp_path)
    _write(folder / "archive" / "tiny-v1.yaml", GOOD)
    (problem,) = _problems(folder)
    assert "tiny-v1.patch.yaml: version: tiny version 1 is also in" in problem


# The command line ------------------------------------------------------------------------------


def _app(folder: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SUPPLYCHAIN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SUPPLYCHAIN_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUPPLYCHAIN_QUESTIONNAIRES_DIR", str(folder))
    return create_app()


def test_archive_turns_full_copies_into_patches(tmp_path, monkeypatch):
    folder = tmp_path / "questionnaires"
    (folder / "archive").mkdir(parents=True)
    _write(folder / "archive" / "tiny-v1.yaml", GOOD)
    _write(folder / "archive" / "tiny-v2.yaml", GOOD.replace("version: 1", "version: 2"))
    _write(folder / "tiny.yaml", GOOD.replace("version: 1", "version: 3").replace("Pay", "Wage"))
    runner = _app(folder, tmp_path, monkeypatch).test_cli_runner()
    before = runner.invoke(cli, ["questionnaires", "check"]).output
    dry = runner.invoke(cli, ["questionnaires", "archive", "tiny", "--dry-run"])
    assert dry.exit_code == 0 and "remove: " in dry.output
    assert len(list((folder / "archive").iterdir())) == 2
    result = runner.invoke(cli, ["questionnaires", "archive", "tiny"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "archive").iterdir()) == [
        "tiny-v1.patch.yaml",
        "tiny-v2.patch.yaml",
    ]
    assert runner.invoke(cli, ["questionnaires", "check"]).output == before
    assert "ok: tiny version 1 (2 questions, en, lv)" in before


def test_archive_with_previous_rebases_after_an_edit_in_place(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "questionnaires")
    runner = _app(folder, tmp_path, monkeypatch).test_cli_runner()
    old = load_all(questionnaire_files(folder)).get("tiny", 1)
    current = folder / "tiny.yaml"
    previous = _write(tmp_path / "previous.yaml", current.read_text())
    current.write_text(current.read_text().replace("{en: One, lv: Viens}", "{en: First, lv: V}"))
    refused = runner.invoke(cli, ["questionnaires", "check"])
    assert refused.exit_code == 1 and "1 problem(s) in 2 file(s)." in refused.output
    result = runner.invoke(cli, ["questionnaires", "archive", "tiny", "--previous", str(previous)])
    assert result.exit_code == 0, result.output
    assert load_all(questionnaire_files(folder)).get("tiny", 1) == old


def test_archive_refuses_a_previous_file_of_another_questionnaire(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "questionnaires")
    runner = _app(folder, tmp_path, monkeypatch).test_cli_runner()
    other = _write(tmp_path / "other.yaml", GOOD.replace("id: tiny", "id: other"))
    result = runner.invoke(cli, ["questionnaires", "archive", "tiny", "--previous", str(other)])
    assert result.exit_code == 1
    assert f"error: {other}: id: is other, not tiny" in result.output
    assert "nothing was written." in result.output
    newer = _write(tmp_path / "newer.yaml", GOOD.replace("version: 1", "version: 9"))
    result = runner.invoke(cli, ["questionnaires", "archive", "tiny", "--previous", str(newer)])
    assert f"error: {newer}: version: is higher than the current file's" in result.output
    missing = runner.invoke(cli, ["questionnaires", "archive", "nope"])
    assert (
        missing.exit_code == 1 and "nope: id: no questionnaire file has this id" in missing.output
    )


def test_the_moved_check_and_ilo_map_commands_work_as_before(tmp_path, monkeypatch):
    runner = _app(SHIPPED, tmp_path, monkeypatch).test_cli_runner()
    check = runner.invoke(cli, ["questionnaires", "check"])
    assert check.exit_code == 0
    assert check.output.splitlines()[0] == "ok: agency-screening version 1 (14 questions, en, lv)"
    assert len(check.output.splitlines()) == 7  # four archived versions and three current
    ilo_map = runner.invoke(cli, ["questionnaires", "ilo-map"])
    doc = Path(__file__).resolve().parents[2] / "docs" / "questionnaires.md"
    assert ilo_map.exit_code == 0 and ilo_map.output in doc.read_text(encoding="utf-8")
