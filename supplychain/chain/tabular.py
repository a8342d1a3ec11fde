"""Reading and writing the chain file format (CSV or XLSX, one row per link)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from ..text import visible

COLUMNS = (
    "parent_code",
    "code",
    "name",
    "relation",
    "country",
    "sector",
    "registration_no",
    "email",
    "kind",
    "employees",
    "workers",
    "contract_value_eur",
    "labour_hours",
    "work_country",
)
# Columns a file may leave out (files written before they were added): empty in every row.
OPTIONAL_COLUMNS = ("work_country",)
# Columns a file may add that describe no link, read on import and not written by the export:
# `site` places the row's supplier on one of the organisation's sites (its name or code).
EXTRA_COLUMNS = ("site",)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# An XLSX is a zip: a small upload can unpack to gigabytes, and openpyxl reads the whole
# shared-strings part into memory. The sizes the zip declares are checked before it is opened
# (zipfile never unpacks more than a member declares). A 200,000-row chain exported by us
# unpacks to 140 MB at a ratio of 11 to 1.
XLSX_MAX_BYTES = 256 * 1024 * 1024  # all members, unpacked
XLSX_MAX_SHARED_STRINGS = 64 * 1024 * 1024  # the part read whole
XLSX_MAX_RATIO = 100  # unpacked to packed, for members over a megabyte
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


class FileFormatError(ValueError):
    """The file cannot be read as a chain file at all (wrong type, encoding or header)."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, values)


def read_table(filename: str, content: bytes) -> Table:
    """Read a CSV or XLSX file into rows of text keyed by column name."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        records = _xlsx_records(content)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        records = _csv_records(content)
    else:
        raise FileFormatError(_l("Upload a .csv or .xlsx file."))
    try:
        header = tuple(cell.strip() for cell in next(records))
    except StopIteration:
        raise FileFormatError(_l("The file is empty.")) from None
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        padded = list(record) + [""] * (len(header) - len(record))
        rows.append((number, {name: padded[i].strip() for i, name in enumerate(header)}))
    return Table(header=header, rows=rows)


def _csv_records(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError(_l("Save the CSV file as UTF-8.")) from None
    sample = text[:4096]
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    # The whole sample first; then the header alone (rows may leave out optional columns).
    for part in (sample, sample.split("\n", 1)[0]):
        try:
            dialect = csv.Sniffer().sniff(part, delimiters=",;\t")
            break
        except csv.Error:
            continue
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007 (read in except)
            yield record
    except csv.Error as exc:  # a cell over csv.field_size_limit(), a stray quote, ...
        raise FileFormatError(
            _l("Row %(row)d cannot be read: %(problem)s.", row=number + 1, problem=exc)
        ) from None


def check_xlsx_size(
    content: bytes,
    *,
    max_bytes: int = XLSX_MAX_BYTES,
    max_shared_strings: int = XLSX_MAX_SHARED_STRINGS,
    max_ratio: int = XLSX_MAX_RATIO,
) -> None:
    """Raise FileFormatError if the workbook would unpack to more than the limits allow."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            strings = _shared_strings_parts(archive)
    except (zipfile.BadZipFile, ValueError, EOFError, KeyError, ElementTree.ParseError):
        raise FileFormatError(_l("The file is not a readable .xlsx workbook.")) from None
    if sum(m.file_size for m in members) > max_bytes:
        raise FileFormatError(
            _l(
                "The workbook is larger than %(limit)s MB when unpacked: split it or save it"
                " as CSV.",
                limit=f"{max_bytes / 2**20:g}",
            )
        )
    for member in members:
        if member.filename in strings and member.file_size > max_shared_strings:
            raise FileFormatError(
                _l(
                    "The workbook's text is larger than %(limit)s MB when unpacked: split it"
                    " or save it as CSV.",
                    limit=f"{max_shared_strings / 2**20:g}",
                )
            )
        if member.file_size > 2**20 and member.file_size > max_ratio * member.compress_size:
            raise FileFormatError(
                _l(
                    "The workbook is compressed more than %(ratio)d to 1, more than any real"
                    " spreadsheet: it was not opened.",
                    ratio=max_ratio,
                )
            )


def _shared_strings_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts the workbook's content types name as shared strings (openpyxl reads the first
    whole), whatever they are called."""
    types = archive.getinfo("[Content_Types].xml")
    if types.file_size > 64 * 1024:  # a few kilobytes in any real workbook
        raise ValueError("content types too large")
    # Expat (2.4 and later) caps entity amplification; with 64 KB in, little can come out.
    root = ElementTree.fromstring(archive.read(types))  # noqa: S314
    return {
        (item.get("PartName") or "").lstrip("/")
        for item in root
        if item.get("ContentType") == SHARED_STRINGS
    }


def _xlsx_records(content: bytes) -> Iterator[list[str]]:
    check_xlsx_size(content)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileFormatError(_l("The file is not a readable .xlsx workbook.")) from exc
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if cell is None else _cell_text(cell) for cell in row]
    workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def defuse(value: str) -> str:
    """Keep spreadsheet programs from running supplier text as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def undefuse(value: str) -> str:
    """Undo defuse() on text read back from an exported file."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_START else value


def _safe(cell: object) -> object:
    if cell is None:
        return ""
    return defuse(visible(cell)) if isinstance(cell, str) else cell


def write_csv(rows: Iterable[Sequence[object]], columns: Sequence[str] = COLUMNS) -> bytes:
    """The rows as UTF-8 CSV (with a byte-order mark, so that Excel reads the letters right)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(
    rows: Iterable[Sequence[object]], columns: Sequence[str] = COLUMNS, sheet_name: str = "chain"
) -> bytes:
    """The rows as an XLSX workbook; numbers stay numbers, text never becomes a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
