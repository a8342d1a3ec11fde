"""The chain file's optional `site` column: a site's name or code places the row's supplier on
it; a site the organisation does not have rejects the whole file, naming the row."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from supplychain import db
from supplychain.chain import importer
from supplychain.chain.tabular import COLUMNS, read_table
from supplychain.cli import cli
from supplychain.models import AuditEvent, Link, SiteSupplier, Supplier
from supplychain.sites import services as sites
from tests.conftest import row_counts
from tests.factories import make_org

HEADER = ",".join(COLUMNS) + ",site"
ROW = "{parent},{code},{code} SIA,subcontract,LV,F41.2,,,company,,,,,,{site}\n"


def _file(*rows: tuple[str, str, str]) -> str:
    return HEADER + "\n" + "".join(ROW.format(parent=p, code=c, site=s) for p, c, s in rows)


def _plan(text: str) -> importer.ChainPlan:
    return importer.parse_chain(read_table("chain.csv", text.encode()))


def _count(session, model) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def org_sites(session):
    org = make_org(session)
    skanste = sites.create_site(
        session=session, organisation_id=org.id, data=sites.SiteData(name="Skanste")
    )
    other = make_org(session)
    foreign = sites.create_site(
        session=session, organisation_id=other.id, data=sites.SiteData(name="Beta")
    )
    session.commit()
    return org, skanste, foreign


def test_sites_named_by_name_or_code_place_the_suppliers_once(session, org_sites):
    org, skanste, _foreign = org_sites
    text = _file(("", "MAIN", "skanste"), ("MAIN", "DRY", skanste.code), ("", "DRY", "Skanste"))
    changes = importer.apply(session, org.id, _plan(text), filename="a.csv", content=b"")
    session.commit()
    assert changes.placed == [("DRY", "Skanste"), ("MAIN", "Skanste")]
    placed = session.exec(select(SiteSupplier.supplier_id)).all()
    codes = session.exec(select(Supplier.code).where(Supplier.id.in_(placed))).all()
    assert sorted(codes) == ["DRY", "MAIN"]
    assert importer.diff(session, org.id, _plan(text)).is_empty
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "chain.imported")).one()
    assert event.details["placed"] == 2
    # Without the column (or with it empty) the placements stay.
    plain = _file(("", "MAIN", ""), ("MAIN", "DRY", ""))
    assert importer.apply(session, org.id, _plan(plain), filename="b.csv", content=b"").is_empty
    assert _count(session, SiteSupplier) == 2


def test_an_unknown_archived_or_foreign_site_rejects_the_file_naming_the_row(session, org_sites):
    org, skanste, foreign = org_sites
    sites.create_site(session=session, organisation_id=org.id, data=sites.SiteData(name="Twin"))
    sites.create_site(session=session, organisation_id=org.id, data=sites.SiteData(name="twin"))
    old = sites.create_site(
        session=session, organisation_id=org.id, data=sites.SiteData(name="Old")
    )
    sites.set_archived(session=session, site=old, archived=True)
    session.commit()
    text = _file(
        ("", "MAIN", "Skanste"),
        ("MAIN", "DRY", "Nowhere"),
        ("", "AG1", foreign.code),
        ("", "OLD", "Old"),
        ("", "TWN", "Twin"),
    )
    with pytest.raises(importer.ImportRejected) as caught:
        importer.apply(session, org.id, _plan(text), filename="a.csv", content=b"")
    session.rollback()
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "site", "None of your sites has the name or code Nowhere."),
        (4, "site", f"None of your sites has the name or code {foreign.code}."),
        (5, "site", "None of your sites has the name or code Old."),
        (6, "site", "Several of your sites have the name Twin: write its code."),
    ]
    assert [_count(session, m) for m in (Supplier, Link, SiteSupplier)] == [0, 0, 0]
    assert skanste.code


def test_cli_names_the_row_of_an_unknown_site_and_imports_nothing(app, tmp_path):
    with app.app_context():
        session = db.get_session()
        org = make_org(session, "cli-org")
        sites.create_site(session=session, organisation_id=org.id, data=sites.SiteData(name="A"))
        session.commit()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(_file(("", "MAIN", "a")), encoding="utf-8")
    text = _file(("", "MAIN", "a"), ("MAIN", "DRY", "B"), ("MAIN", "", "C"))
    bad.write_text(text, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["import-chain", str(bad), "--org", "cli-org"])
    assert result.exit_code == 1
    # An unknown site is named with the rows' other problems, in the same pass.
    assert "error: row 3, site: None of your sites has the name or code B." in result.output
    assert "error: row 4, code: Enter a code." in result.output
    assert "2 problem(s); nothing was imported." in result.output
    assert row_counts(app, Supplier, SiteSupplier) == [0, 0]
    result = runner.invoke(cli, ["import-chain", str(good), "--org", "cli-org"])
    assert result.exit_code == 0 and "placed 1" in result.output
    assert row_counts(app, Supplier, SiteSupplier) == [1, 1]
