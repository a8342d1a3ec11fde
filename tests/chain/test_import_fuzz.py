"""Generated chain files (hypothesis) through the import pages and the worker's import jobs:
never a server error, and a file is imported whole or refused with nothing written."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from supplychain import db
from supplychain.chain.tabular import COLUMNS
from supplychain.models import ChainImport, Link, Role, RunStatus, Supplier
from supplychain.worker import run_once
from tests.conftest import csrf_token, row_counts, sign_in
from tests.factories import committed, make_team
from tests.strategies import EXAMPLES, nasty


@st.composite
def chain_files(draw) -> bytes:
    """A CSV file: mostly our columns (sometimes shuffled, missing or extra), rows of mixed
    valid and invalid cells, codes that refer to each other or to nothing."""
    columns = list(COLUMNS)
    shape = draw(st.sampled_from(["exact", "shuffled", "missing", "extra"]))
    if shape == "shuffled":
        columns = draw(st.permutations(columns))
    elif shape == "missing":
        columns.remove(draw(st.sampled_from(columns)))
    elif shape == "extra":
        columns.append(draw(st.sampled_from(["notes", "code", ""])))
    rows = []
    for i in range(draw(st.integers(0, 6))):
        good = {
            "parent_code": "" if i == 0 else f"S{draw(st.integers(0, i))}",
            "code": f"S{i + 1}",
            "name": f"Supplier {i + 1} SIA",
            "relation": "subcontract",
            "country": "LV",
            "sector": "F41.20",
            "registration_no": f"4000300{i:04d}",
            "email": f"s{i}@example.com",
            "kind": "company",
            "employees": "5",
            "workers": "3",
            "contract_value_eur": "10000",
            "labour_hours": "500",
        }
        rows.append([draw(st.one_of(st.just(good.get(c, "")), nasty)) for c in columns])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return out.getvalue().encode(encoding, errors="replace")


def _file_codes(content: bytes) -> list[str]:
    from supplychain.chain.importer import parse_chain
    from supplychain.chain.tabular import read_table

    return list(parse_chain(read_table("chain.csv", content)).suppliers)


def _counts(app) -> list[int]:
    return row_counts(app, Supplier, Link, ChainImport)


def _status(app, job: str) -> RunStatus:
    with app.app_context():
        record = db.get_session().get(ChainImport, int(job.rsplit("/", 1)[1]))
        assert record is not None
        return record.status


def _codes(app) -> set[str]:
    with app.app_context():
        return set(db.get_session().exec(select(Supplier.code)).all())


@pytest.fixture
def officer(app):
    with committed(app) as session:
        make_team(session, "fuzzed", Role.OFFICER)
    return sign_in(app.test_client(), Role.OFFICER, "fuzzed")


@EXAMPLES
@given(content=chain_files())
def test_a_chain_file_is_imported_whole_or_refused_with_nothing_written(app, officer, content):
    before = _counts(app)
    token = csrf_token(officer, "/chain/import")
    upload = officer.post(
        "/chain/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "chain.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.status_code
    job = upload.headers["Location"]
    run_once(app)  # the worker checks the file
    assert officer.get(job).status_code == 200
    if _status(app, job) == RunStatus.FAILED:
        assert _counts(app)[:2] == before[:2]
        return
    token = csrf_token(officer, job)
    applied = officer.post(f"{job}/apply", data={"csrf_token": token})
    assert applied.status_code == 302
    run_once(app)
    assert _status(app, job) == RunStatus.DONE
    # Every supplier of the file is in the chain, and the export names the whole chain (an
    # import adds and updates; what earlier examples imported stays).
    rows = list(csv.reader(io.StringIO(officer.get("/chain/export.csv").get_data(as_text=True))))
    exported = {row[rows[0].index("code")] for row in rows[1:]}
    assert exported == _codes(app) >= set(_file_codes(content))
    assert officer.get("/chain/").status_code == 200
    assert officer.get("/chain/suppliers").status_code == 200
