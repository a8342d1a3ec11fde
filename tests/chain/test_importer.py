"""Chain files: every problem named by row and column, nothing written on error, idempotent
re-imports, and exports that round-trip in both formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, func, select

from supplychain.chain import exporter, importer
from supplychain.chain.tabular import COLUMNS, read_table, write_csv
from supplychain.models import AuditEvent, Evidence, Link, LinkSource, Response, Supplier
from tests.factories import make_link, make_org, make_supplier

HEADER = ",".join(COLUMNS)
GOOD = f"""{HEADER}
,MAIN,Galvenais Būvnieks,subcontract,LV,F41.2,40003000001,m@example.com,company,120,40,500000,20000
MAIN,DRY,Sausā Apdare SIA,subcontract,LV,F43.3,40003000002,,company,12,10,90000,6000
MAIN,AG1,Darba Spēks SIA,labour_hire,LV,N78.2,40003000003,,agency,3,25,120000,11000
DRY,AG1,Darba Spēks SIA,labour_hire,LV,N78.2,40003000003,,agency,3,4,20000,1800
"""


def _plan(text: str, name: str = "chain.csv"):
    return importer.parse_chain(read_table(name, text.encode()))


def _count(session, model) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_import_builds_the_chain_and_reimport_changes_nothing(session):
    org = make_org(session)
    changes = importer.apply(
        session, org.id, _plan(GOOD), filename="chain.csv", content=GOOD.encode()
    )
    session.commit()
    assert changes.counts()["added_suppliers"] == 3 and changes.counts()["added_links"] == 4
    agency = session.exec(select(Supplier).where(Supplier.code == "AG1")).one()
    assert (agency.kind.value, agency.sector, agency.employees) == ("agency", "N78.2", 3)
    assert _count(session, Link) == 4
    again = importer.diff(session, org.id, _plan(GOOD))
    assert again.is_empty
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "chain.imported")).one()
    assert event.details["added_links"] == 4 and len(event.details["sha256"]) == 64


def test_reimport_updates_in_place_and_keeps_what_is_not_in_the_file(session):
    org = make_org(session)
    importer.apply(session, org.id, _plan(GOOD), filename="a.csv", content=b"")
    ids = {s.code: s.id for s in session.exec(select(Supplier))}
    edited = GOOD.replace(
        "Sausā Apdare SIA,subcontract,LV,F43.3,40003000002,,company,12,10",
        "Sausā Apdare SIA,subcontract,LV,F43.3,40003000002,,company,15,10",
    )
    edited = "\n".join(line for line in edited.splitlines() if not line.startswith("DRY,AG1"))
    changes = importer.apply(session, org.id, _plan(edited), filename="b.csv", content=b"")
    assert changes.changed_suppliers == [("DRY", ["employees"])]
    assert changes.removed_links == [] and changes.removed_suppliers == []
    assert changes.kept_links == [("DRY", "AG1")] == changes.prunable_links
    assert {s.code: s.id for s in session.exec(select(Supplier))} == ids  # same rows, updated
    assert session.exec(select(Supplier).where(Supplier.code == "DRY")).one().employees == 15
    assert _count(session, Link) == 4
    assert importer.diff(session, org.id, _plan(edited)).is_empty


# Two more suppliers from the file: one will hold an answer and a document, one nothing.
LONGER = (
    GOOD
    + "MAIN,ANS,Atbildētājs SIA,subcontract,LV,F43.3,40003000005,,company,8,5,30000,2000\n"
    + "MAIN,GONE,Aizgājis SIA,subcontract,LV,F43.3,40003000006,,company,4,2,9000,700\n"
)


def _answer_with_a_document(app, session, org_id: int, supplier_id: int) -> Path:
    """A response of the supplier with one stored document; returns the document's file."""
    from supplychain.questionnaires import evidence, services
    from supplychain.questionnaires.catalogue import get_catalogue

    response = services.start_response(
        session=session,
        organisation_id=org_id,
        questionnaire=get_catalogue().current["supplier-self-assessment"],
        language="en",
        supplier_id=supplier_id,
    )
    stored = evidence.store(
        session=session,
        folder=Path(app.config["UPLOAD_DIR"]),
        response=response,
        question_id="documents",
        data=b"%PDF-1.4 extract",
        mime="application/pdf",
        filename="extract.pdf",
    )
    return evidence.path_of(Path(app.config["UPLOAD_DIR"]), stored)


def test_prune_archives_what_holds_evidence_deletes_the_rest_and_reimport_restores(app, session):
    """Issue 18: a re-import without a supplier never lost its answers. Without --prune nothing
    goes; with it, a supplier that answered is archived with everything it holds, one that holds
    nothing is deleted, and suppliers entered by hand or disclosed are never touched; the file
    with the supplier again brings it back."""
    org = make_org(session)
    importer.apply(session, org.id, _plan(LONGER), filename="a.csv", content=b"")
    by_code = {s.code: s for s in session.exec(select(Supplier))}
    assert {s.source for s in by_code.values()} == {LinkSource.IMPORTED}
    answered = by_code["ANS"]
    document = _answer_with_a_document(app, session, org.id, answered.id)
    hand = make_supplier(session, org, code="HAND")
    make_link(session, org, by_code["MAIN"], hand)
    named = make_supplier(session, org, code="NAMED")
    named.source = LinkSource.DISCLOSED
    disclosure = make_link(session, org, answered, named)
    disclosure.source = LinkSource.DISCLOSED
    session.add_all([named, disclosure])
    session.commit()
    before = (_count(session, Supplier), _count(session, Link))

    kept = importer.apply(session, org.id, _plan(GOOD), filename="b.csv", content=b"")
    assert kept.is_empty and (_count(session, Supplier), _count(session, Link)) == before
    assert kept.kept_suppliers == ["ANS", "GONE", "HAND", "NAMED"]
    assert kept.prunable_suppliers == ["ANS", "GONE"]
    assert kept.evidence == {"ANS": {"responses": 1, "documents": 1, "disclosures": 1}}
    assert kept.names["ANS"] == "Atbildētājs SIA"

    preview = importer.diff(session, org.id, _plan(GOOD), prune=True)
    with pytest.raises(importer.PruneChanged):  # not what the officer confirmed
        importer.apply(
            session, org.id, _plan(GOOD), filename="b.csv", content=b"", prune=True, confirmed="x"
        )
    assert (_count(session, Supplier), _count(session, Link)) == before
    pruned = importer.apply(
        session,
        org.id,
        _plan(GOOD),
        filename="b.csv",
        content=b"",
        prune=True,
        confirmed=preview.prune_digest,
    )
    session.commit()
    assert pruned.removed_suppliers == ["ANS", "GONE"] and pruned.archived_suppliers == ["ANS"]
    assert pruned.removed_links == [("ANS", "NAMED"), ("MAIN", "ANS"), ("MAIN", "GONE")]
    assert pruned.kept_suppliers == ["HAND", "NAMED"] and pruned.kept_links == [("MAIN", "HAND")]
    codes = {s.code: s for s in session.exec(select(Supplier))}
    assert "GONE" not in codes
    assert codes["ANS"].archived_at is not None
    assert codes["HAND"].archived_at is None and codes["NAMED"].archived_at is None
    assert _count(session, Response) == 1 and _count(session, Evidence) == 1
    assert document.read_bytes() == b"%PDF-1.4 extract"
    archived = session.exec(
        select(AuditEvent).where(AuditEvent.action == "supplier.archived")
    ).one()
    assert archived.details["reason"] == "pruned" and archived.details["code"] == "ANS"

    back = importer.apply(session, org.id, _plan(LONGER), filename="c.csv", content=b"")
    session.commit()
    assert back.restored_suppliers == ["ANS"] and back.added_suppliers == ["GONE"]
    assert back.restored_links == [("ANS", "NAMED"), ("MAIN", "ANS")]
    assert session.get(Supplier, answered.id).archived_at is None
    live = session.exec(select(Link).where(col(Link.archived_at).is_(None))).all()
    assert len(live) == before[1]
    assert importer.diff(session, org.id, _plan(LONGER)).is_empty


BAD = f"""{HEADER}
,MAIN,Galvenais Būvnieks SIA,subcontract,LV,F41.2,40003000001,,company,120,40,500000,20000
MAIN,DRY,Sausā Apdare SIA,subcontract,XX,F43.3,40003000002,,company,12,10,90000,6000
MAIN,AG1,Darba Spēks SIA,hire,LV,N78.2,40003000003,,agency,3,25,120000,11000
DRY,AG2,Otra Aģentūra SIA,labour_hire,LV,N78.2,40003000004,,agency,lots,4,20000,1800
"""


def test_three_bad_rows_give_three_precise_messages_and_write_nothing(session):
    org = make_org(session)
    session.commit()
    before = (_count(session, Supplier), _count(session, Link), _count(session, AuditEvent))
    with pytest.raises(importer.ImportRejected) as caught:
        _plan(BAD)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (3, "country"),
        (4, "relation"),
        (5, "employees"),
    ]
    messages = [e.message for e in caught.value.errors]
    assert messages[0].startswith('"XX" is not a country we know')
    assert messages[1] == "Choose subcontract, labour hire or supply."
    assert messages[2] == "Enter a whole number."
    assert (_count(session, Supplier), _count(session, Link), _count(session, AuditEvent)) == before
    assert org.id


# Seven problems on rows 2 to 4 and more on row 5; each row is checked whole, in one pass.
MANY_BAD = f"""{HEADER},notes
,MAIN,Galvenais Būvnieks SIA,subcontract,Latvja,F41.2,40003000001,,company,120,40,500000,20000,,
MAIN,DRY,Sausā Apdare SIA,hire,LV,Z99,40003000002,,firm,12,10,90000,6000,,
MAIN,AG1,Darba Spēks SIA,,LV,N78.2,40003000003,not-an-address,agency,lots,x,20000,1800,Lettland,
MAIN,AG2,,labour hire,Эстония,N78.2,40003000004,,Agency,-3,4,20000,1800,,
"""


def test_every_problem_of_every_row_is_listed_at_once_with_what_was_typed():
    """The missing name on row 5 is reported with the six problems of the rows before it,
    and with the other problems of its own row; an unknown column does not hide them."""
    with pytest.raises(importer.ImportRejected) as caught:
        _plan(MANY_BAD)
    found = [(e.row, e.column, e.typed) for e in caught.value.errors]
    assert found == [
        (1, "notes", ""),
        (2, "country", "Latvja"),
        (3, "relation", "hire"),
        (3, "sector", "Z99"),
        (3, "kind", "firm"),
        (4, "relation", ""),
        (4, "email", "not-an-address"),
        (4, "employees", "lots"),
        (4, "workers", "x"),
        (4, "work_country", "Lettland"),
        (5, "name", ""),
        (5, "employees", "-3"),
    ]
    assert caught.value.total == len(found)
    messages = {(e.row, e.column): e.message for e in caught.value.errors}
    assert messages[2, "country"].startswith('"Latvja" is not a country we know')
    assert messages[4, "work_country"].startswith('"Lettland" is not a country we know')


def test_countries_by_name_and_choices_as_people_write_them_are_accepted():
    text = GOOD.replace(",LV,F41.2,", ",Latvija,F41.2,").replace(",LV,F43.3,", ",Латвия,F43.3,")
    text = text.replace("labour_hire,LV,N78.2", "Labour-hire,Latvia,N78.2", 1)
    text = text.replace("labour_hire,LV,N78.2", "labour hire,LVA,N78.2", 1)
    text = text.replace(",company,120,", ",Company,120,").replace(",agency,3,", ", AGENCY ,3,")
    assert text.count("Latvija") == 1 and text.count("labour hire") == 1  # every change made
    plan = _plan(text)
    assert {code: s["country"] for code, s in plan.suppliers.items()} == dict.fromkeys(
        ("MAIN", "DRY", "AG1"), "LV"
    )
    assert [plan.suppliers[c]["kind"].value for c in ("MAIN", "AG1")] == ["company", "agency"]
    assert {k: v["relation"].value for k, v in plan.links.items()} == {
        (None, "MAIN"): "subcontract",
        ("MAIN", "DRY"): "subcontract",
        ("MAIN", "AG1"): "labour_hire",
        ("DRY", "AG1"): "labour_hire",
    }


def test_problems_are_kept_to_the_first_ones_and_counted_in_full():
    rows = "".join(
        f",S{i},,subcontract,LV,,,,company,,,,\n" for i in range(importer.ERROR_LIMIT + 500)
    )
    with pytest.raises(importer.ImportRejected) as caught:
        _plan(HEADER + "\n" + rows)
    errors = caught.value.errors
    assert caught.value.total == importer.ERROR_LIMIT + 500 and len(errors) == importer.ERROR_LIMIT
    assert [e.row for e in errors] == list(range(2, importer.ERROR_LIMIT + 2))


def test_header_must_be_exact():
    text = GOOD.replace("labour_hours", "hours").replace(HEADER.split(",")[0], "parent", 1)
    lines = text.splitlines()
    lines[0] += ",notes"
    with pytest.raises(importer.ImportRejected) as caught:
        importer.parse_chain(read_table("x.csv", "\n".join(lines).encode()))
    found = {(e.column, e.message) for e in caught.value.errors}
    assert ("notes", "Unknown column: remove it.") in found
    assert ("parent_code", "Missing column.") in found
    assert ("labour_hours", "Missing column.") in found
    assert all(e.row == 1 for e in caught.value.errors)


def test_same_supplier_must_agree_across_rows_and_parents_must_exist():
    text = GOOD.replace(
        "DRY,AG1,Darba Spēks SIA,labour_hire,LV", "DRY,AG1,Darba Spēks SIA,labour_hire,LT"
    )
    text += "GHOST,DRY,Sausā Apdare SIA,subcontract,LV,F43.3,40003000002,,company,12,1,1,1\n"
    text += "DRY,DRY,Sausā Apdare SIA,subcontract,LV,F43.3,40003000002,,company,12,1,1,1\n"
    with pytest.raises(importer.ImportRejected) as caught:
        _plan(text)
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (5, "country", "Differs from row 4 for the same code AG1."),
        (6, "parent_code", "GHOST is not a code in this file."),
        (7, "parent_code", "A supplier cannot be its own subcontractor."),
    ]


def test_xlsx_and_csv_exports_round_trip(session):
    org = make_org(session)
    importer.apply(session, org.id, _plan(GOOD), filename="a.csv", content=b"")
    for name, data in (
        ("chain.csv", exporter.export_csv(session, org.id)),
        ("chain.xlsx", exporter.export_xlsx(session, org.id)),
    ):
        plan = importer.parse_chain(read_table(name, data))
        assert importer.diff(session, org.id, plan).is_empty, name


def test_export_defuses_formulas_and_reimport_restores_the_text(session):
    org = make_org(session)
    hostile = GOOD.replace("Galvenais Būvnieks", '"=HYPERLINK(""http://x"",""y"")"')
    importer.apply(session, org.id, _plan(hostile), filename="a.csv", content=b"")
    data = exporter.export_csv(session, org.id).decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    assert importer.diff(
        session, org.id, importer.parse_chain(read_table("c.csv", data.encode()))
    ).is_empty


def test_semicolon_csv_from_a_latvian_excel_is_read():
    text = GOOD.replace(",", ";")
    assert len(_plan(text).links) == 4


def test_unreadable_files_are_refused_clearly():
    from supplychain.chain.tabular import FileFormatError

    with pytest.raises(FileFormatError, match="UTF-8"):
        read_table("x.csv", "Būve".encode("cp1257"))
    with pytest.raises(FileFormatError, match="xlsx"):
        read_table("x.xlsx", b"not a zip")
    with pytest.raises(FileFormatError, match=".csv or .xlsx"):
        read_table("x.pdf", b"%PDF")
    assert write_csv([]).startswith(b"\xef\xbb\xbf")


def test_demo_chain_round_trips_through_both_formats(session):
    from supplychain.demo import load_demo
    from supplychain.models import Organisation

    load_demo(session=session, password="demo passphrase 1")
    org = session.exec(select(Organisation)).one()
    for name, data in (
        ("demo.csv", exporter.export_csv(session, org.id)),
        ("demo.xlsx", exporter.export_xlsx(session, org.id)),
    ):
        plan = importer.parse_chain(read_table(name, data))
        assert len(plan.suppliers) >= 40
        assert importer.diff(session, org.id, plan).is_empty, name
