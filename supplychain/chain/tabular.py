"""Reading and writing the chain file format (CSV or XLSX, one row per link)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
        raise FileFormatError("Upload a .csv or .xlsx file.")
    try:
        header = tuple(cell.strip() for cell in next(records))
    except StopIteration:
        raise FileFormatError("The file is empty.") from None
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        padded = list(record) + [""] * (len(header) - len(record))
        rows.append((number, {name: padded[i].strip() for i, name in enumerate(header)}))
    return Table(header=header, rows=rows)


def _csv_records(content: bytes) -> Iterable[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError("Save the CSV file as UTF-8.") from None
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_records(content: bytes) -> Iterable[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileFormatError("The file is not a readable .xlsx workbook.") from exc
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
