"""Numbers, cells and files from users are bounded before they are converted or opened.

`int(Decimal("1e1000000"))` costs about a minute of CPU and `format(Decimal("1e999999"), "f")`
is a megabyte of text, while `Decimal()` parses either at once; an XLSX of 1 MB can hold a
gigabyte of shared strings. Each is refused at once, naming the row and column or the field.
The time bounds below are generous (seconds against the minute the old code took): they catch
the slow path, not a loaded machine.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from sqlmodel import select

from supplychain import db, numbers
from supplychain.chain import importer
from supplychain.chain.tabular import (
    COLUMNS,
    FileFormatError,
    check_xlsx_size,
    read_table,
    write_csv,
    write_xlsx,
)
from supplychain.cli import cli
from supplychain.models import Answer, Role
from supplychain.worker import run_once
from tests.conftest import csrf_token, sign_in
from tests.factories import committed, make_org, make_supplier, make_team
from tests.respond import conftest as respond
from tests.respond.conftest import post_section, start

invited = respond.invited  # a supplier with a link to answer from
HUGE = "1e1000000"
ROW = [
    "",
    "MAIN",
    "Main SIA",
    "subcontract",
    "LV",
    "F41.2",
    "",
    "",
    "company",
    "10",
    "5",
    "100",
    "10",
    "",  # work_country: the organisation's own
]


def _table(**cells: str) -> list[list[str]]:
    row = list(ROW)
    for column, value in cells.items():
        row[COLUMNS.index(column)] = value
    return [row]


def _csv(**cells: str) -> bytes:
    return write_csv(_table(**cells))


def _xlsx(**cells: str) -> bytes:
    return write_xlsx(_table(**cells))


def _problems(filename: str, content: bytes) -> list[tuple[int, str]]:
    with pytest.raises(importer.ImportRejected) as caught:
        importer.parse_chain(read_table(filename, content))
    return [(e.row, e.column) for e in caught.value.errors]


@pytest.mark.parametrize("column", ["employees", "workers", "contract_value_eur", "labour_hours"])
@pytest.mark.parametrize("value", [HUGE, "1e-1000000", "9" * 5000, "1" * 100_000])
def test_an_unbounded_number_cell_is_refused_at_once_naming_row_and_column(column, value):
    started = time.perf_counter()
    for name, content in (("c.csv", _csv(**{column: value})), ("c.xlsx", _xlsx(**{column: value}))):
        assert _problems(name, content) == [(2, column)]
    assert time.perf_counter() - started < 5


def test_a_number_too_large_for_its_column_is_refused():
    """employees had no upper bound: 1e30 passed the check and broke the insert."""
    assert _problems("c.csv", _csv(employees="1e30")) == [(2, "employees")]
    plan = importer.parse_chain(read_table("c.csv", _csv(employees="1 200", labour_hours="7,5")))
    assert plan.suppliers["MAIN"]["employees"] == 1200
    assert plan.links[(None, "MAIN")]["labour_hours"] == Decimal("7.5")


def test_a_csv_cell_over_the_csv_field_limit_names_its_row():
    content = _csv() + b'"' + b"x" * 200_000 + b'",MAIN2\r\n'
    with pytest.raises(FileFormatError, match="Row 3"):
        read_table("c.csv", content)


@pytest.mark.parametrize("column", ["name", "code", "sector", "employees"])
def test_a_nul_character_in_a_cell_is_refused_naming_row_and_column(column):
    value = dict(zip(COLUMNS, ROW, strict=True))[column]
    assert _problems("c.csv", _csv(**{column: value + "\x00x"})) == [(2, column)]


SHARED = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _bomb(expanded: int, part: str = "xl/sharedStrings.xml") -> bytes:
    """A valid workbook with a shared-strings part of expanded bytes of one repeated string."""
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + item * (expanded // len(item))
        + b"</sst>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/{part}" ContentType="{SHARED}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            target.writestr(info.filename, data)
        target.writestr(part, strings)
    return out.getvalue()


def test_an_xlsx_bomb_is_refused_before_it_is_opened():
    bomb = _bomb(30 * 1024 * 1024)
    assert len(bomb) < 200_000
    with pytest.raises(FileFormatError, match="compress"):
        read_table("bomb.xlsx", bomb)


def test_xlsx_size_limits_name_the_limit():
    workbook = _xlsx()
    check_xlsx_size(workbook)  # an ordinary workbook passes
    with pytest.raises(FileFormatError, match="MB when unpacked"):
        check_xlsx_size(workbook, max_bytes=1000)
    with pytest.raises(FileFormatError, match="not a readable"):
        check_xlsx_size(b"PK\x03\x04 not really a zip")
    for part in ("xl/sharedStrings.xml", "xl/worksheets/sheet9.xml"):  # found by content type
        with pytest.raises(FileFormatError, match="text is larger"):
            check_xlsx_size(_bomb(10_000, part), max_shared_strings=5000)


@pytest.fixture
def officer(app, client):
    with committed(app) as session:
        make_supplier(session, make_team(session, "numbers", Role.OFFICER), code="S1")
    return sign_in(client, Role.OFFICER, "numbers")


def _upload(client, content: bytes, name: str):
    return client.post(
        "/chain/import",
        data={
            "csrf_token": csrf_token(client, "/chain/import"),
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def _import_page(app, client, content: bytes, name: str) -> str:
    """Upload a file, let the worker check it (imports are jobs), and read the job's page."""
    response = _upload(client, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert run_once(app)["imports"] == 1
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("name", ["chain.csv", "chain.xlsx"])
def test_import_page_refuses_a_huge_number_at_once(app, officer, name):
    content = (_csv if name.endswith(".csv") else _xlsx)(workers=HUGE)
    started = time.perf_counter()
    html = _import_page(app, officer, content, name)
    assert time.perf_counter() - started < 5
    assert "The file was not imported" in html
    assert '<tr><td data-label="Row">2</td><td data-label="Column"><code>workers</code>' in html


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (_csv(name="Main\x00SIA"), "<code>name</code>"),
        (_csv() + b'"' + b"x" * 200_000 + b'",MAIN2\r\n', "Row 3"),
        (_bomb(30 * 1024 * 1024), "compress"),
    ],
    ids=["nul", "long-field", "bomb"],
)
def test_import_page_answers_bad_files_clearly(app, officer, content, where):
    name = "chain.xlsx" if content[:2] == b"PK" else "chain.csv"
    html = _import_page(app, officer, content, name)
    assert "The file was not imported" in html
    assert where in html


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_cli_import_refuses_a_huge_number_at_once(app, tmp_path, suffix):
    with app.app_context():
        make_org(db.get_session(), "cli-numbers")
        db.get_session().commit()
    path = tmp_path / f"chain.{suffix}"
    path.write_bytes((_csv if suffix == "csv" else _xlsx)(workers=HUGE))
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(cli, ["import-chain", str(path), "--org", "cli-numbers"])
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1
    assert "error: row 2, workers:" in result.output


@pytest.mark.parametrize(
    ("section", "question", "value"),
    [
        ("pay", "hourly_rate", HUGE),  # was decimal.Overflow: a 500
        ("pay", "hourly_rate", "1e999999"),  # was stored as a 1 MB answer
        ("pay", "hourly_rate", "1e-999999"),
        ("workforce", "own_employees", "9" * 4000),  # was stored as a 4000-digit answer
    ],
)
def test_an_unbounded_answer_is_refused_naming_the_field(
    app, client, invited, section, question, value
):
    start(client, invited["token"])
    response = post_section(client, section, {question: value, "go": "next"})
    assert response.status_code == 200
    assert f'id="{question}-error"' in response.get_data(as_text=True)
    with app.app_context():
        stored = db.get_session().exec(select(Answer).where(Answer.question_id == question)).all()
        assert stored == []


def test_a_reasonable_decimal_answer_is_kept_as_typed(app, client, invited):
    start(client, invited["token"])
    post_section(client, "pay", {"hourly_rate": "7,25", "go": "next"})
    with app.app_context():
        stored = db.get_session().exec(select(Answer).where(Answer.question_id == "hourly_rate"))
        assert [a.value for a in stored] == ["7.25"]


@pytest.mark.parametrize(
    "url",
    [
        "/chain/suppliers?page=99999999999999999999",
        "/chain/suppliers?page=1e1000000",
        "/risk/?page=99999999999999999999",
        "/chain/links/new?parent=99999999999999999999&child=99999999999999999999",
        "/invitations/new?supplier=99999999999999999999&tier=99999999999999999999",
    ],
)
def test_a_huge_number_in_a_query_string_is_not_a_server_error(officer, url):
    assert officer.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/chain/suppliers/99999999999999999999",
        "/chain/import/99999999999999999999",
        "/risk/flags/99999999999999999999",
        "/api/v1/suppliers/99999999999999999999",
    ],
)
def test_a_huge_id_in_a_path_is_not_found(officer, url):
    """An id past PostgreSQL's integer overflowed the query: a 500 on both databases."""
    for huge in ("99999999999999999999", "2147483648", "9" * 5000):
        at = url.replace("99999999999999999999", huge)
        assert officer.get(at).status_code == 404
        assert officer.delete(at).status_code in (404, 405)  # 405: pages delete by POST


def test_supplier_form_refuses_an_employee_count_the_database_cannot_hold(app, officer):
    response = officer.post(
        "/chain/suppliers/new",
        data={
            "csrf_token": csrf_token(officer, "/chain/suppliers/new"),
            "code": "BIG",
            "name": "Big SIA",
            "country": "LV",
            "kind": "company",
            "employees": "9" * 30,
        },
    )
    assert response.status_code == 200
    assert 'id="employees-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 1 200 ", 1200), ("1e3", 1000), ("12.0", 12), ("0e1000000", 0)],
)
def test_parse_integer_reads_what_people_type(text, expected):
    assert numbers.parse_integer(text, digits=9) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "1.5", "NaN", "inf", HUGE, "1e9", "9" * 10, "9" * 100_000]
)
def test_parse_integer_refuses_at_once(text):
    with pytest.raises(numbers.NumberError):
        numbers.parse_integer(text, digits=9)


def test_parse_decimal_bounds_digits_and_places():
    assert numbers.parse_decimal("1,5", digits=3, places=2) == Decimal("1.5")
    assert numbers.parse_decimal("2.50", digits=3, places=1) == Decimal("2.5")
    for text in ("1234", "0.001", "1e-1000000", "-1e1000000", "sNaN"):
        with pytest.raises(numbers.NumberError):
            numbers.parse_decimal(text, digits=3, places=2)


def test_api_bodies_and_queries_are_bounded_by_their_schemas():
    """The API's pydantic models already refuse these in constant time; kept as a guard."""
    from pydantic import ValidationError

    from supplychain.api.schemas import LinkIn, SupplierQuery

    for body in (
        '{"child_id": 1, "relation": "supply", "workers": 1e1000000}',
        '{"child_id": 1, "relation": "supply", "contract_value_eur": "1e1000000"}',
        '{"child_id": 99999999999999999999, "relation": "supply"}',
    ):
        with pytest.raises(ValidationError):
            LinkIn.model_validate_json(body)
    with pytest.raises(ValidationError):
        SupplierQuery.model_validate({"offset": "99999999999999999999"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("pass-through.own_share_max", "nan"), ("chain-depth.medium_from", "9" * 4000)],
)
def test_risk_thresholds_refuse_nan_and_endless_digits(app, client, name, value):
    """NaN passed both range checks (and is no JSON); 4000 digits were stored as a threshold."""
    with committed(app) as session:
        make_team(session, "thresholds", Role.ADMIN)
    sign_in(client, Role.ADMIN, "thresholds")
    form = client.get("/risk/settings").get_data(as_text=True)
    fields = dict(re.findall(r'name="([\w.-]+)" value="([^"]*)"', form))
    fields.update(
        {name: value, "country": "LV", "csrf_token": csrf_token(client, "/risk/settings")}
    )
    response = client.post("/risk/settings", data=fields)
    assert response.status_code == 200
    assert "Enter a number like" in response.get_data(as_text=True)


def test_a_huge_document_id_to_remove_is_ignored(app, client, invited):
    """int() of more than 4300 digits raises ValueError: the answer page was a 500."""
    start(client, invited["token"])
    response = post_section(
        client, "identity", {"registration_documents-remove": ["9" * 5000, "9999999999", "x"]}
    )
    assert response.status_code in (200, 303)
