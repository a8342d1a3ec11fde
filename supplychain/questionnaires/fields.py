"""FIELD_TYPES: every question type is one entry here, and a new type is one more entry.

An entry says how its answer is built as a form field, carried between the stored answer and
the form, checked beyond its field, drawn (the template macro and what it needs), shown to a
reader, sampled for the demo and the tests, and judged empty. The rest of the code asks the
entry and never switches on a question's type.

This module is pure: what needs the web (WTForms fields with our translated messages, the
words for yes and no) comes in as `ui`, the module questionnaires.inputs, from the caller.
The file format of a type (its keys in YAML) is its model in schema.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from ..reference.codes import normalise_country

Rows = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class Look:
    """What the page needs to draw a question: the macro of questionnaires/_widgets.html that
    draws its input, and the few details that macro varies on."""

    widget: str = "input"
    input_type: str = "text"
    inputmode: str = ""
    inline: bool = False  # choices side by side
    multiple: bool = False  # check boxes rather than radio buttons
    textarea: bool = False
    own_messages: bool = False  # the widget draws its help and its errors (a table: per cell)


class FieldType:
    """One question type. Subclasses set `name` and override what differs from the default."""

    name: ClassVar[str]
    # The answer is files: counted against the quota, and built from the stored answer on
    # every save rather than fingerprinted (see respond.shown).
    keeps_files: ClassVar[bool] = False
    # What a condition on its answer may test (see schema): numbers compared, or the values
    # chosen, with the condition key that asks whether a value is chosen.
    numeric: ClassVar[bool] = False
    chosen_key: ClassVar[str | None] = None
    LOOK: ClassVar[Look] = Look()

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        """The unbound WTForms field, labelled; ui is questionnaires.inputs."""
        raise NotImplementedError

    def to_form(self, question: Any, value: Any) -> Any:
        """A stored answer (not None) as the field's data, to fill a form for editing."""
        return value

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        """The field's data as the stored answer; before holds the answers saved before."""
        data = field.data
        if isinstance(data, str):
            return data or None
        return data

    def check(self, ui: Any, question: Any, field: Any) -> None:
        """Checks beyond the field's own validators, on a shown question."""

    def prepare(self, question: Any, field: Any) -> None:
        """Make the bound field ready to draw (a table gets blank rows)."""

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == []

    def shown(self, ui: Any, question: Any, value: Any, lang: str) -> tuple[str, Rows]:
        """The answer as a person reads it: a text, or the rows of a table."""
        return ui.plain(value), []

    def names(self, ui: Any, question: Any, lang: str) -> dict[str, str]:
        """The readable name of each value that can be chosen (none for other types)."""
        return {}

    def candidates(self, question: Any) -> list[Any]:
        """Plausible stored answers, the likeliest first (see sample)."""
        raise NotImplementedError

    def look(self, question: Any) -> Look:
        return self.LOOK

    def unit(self, question: Any, lang: str) -> str:
        """What the page writes after the input (a currency, a percent sign), or ""."""
        return ""


class YesNo(FieldType):
    name = "yes_no"
    chosen_key = "equals"
    LOOK = Look(widget="choices", inline=True)

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.radio(label, ui.yes_no())

    def names(self, ui: Any, question: Any, lang: str) -> dict[str, str]:
        return {value: ui.plain(value) for value in ("yes", "no")}

    def candidates(self, question: Any) -> list[Any]:
        return ["no", "yes"]


class SingleChoice(FieldType):
    name = "single_choice"
    chosen_key = "equals"
    LOOK = Look(widget="choices")

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.radio(label, ui.options(question, lang))

    def names(self, ui: Any, question: Any, lang: str) -> dict[str, str]:
        return {o.value: o.text.get(lang) for o in question.options}

    def shown(self, ui: Any, question: Any, value: Any, lang: str) -> tuple[str, Rows]:
        names = self.names(ui, question, lang)
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(names.get(v) or v for v in chosen), []

    def candidates(self, question: Any) -> list[Any]:
        return [o.value for o in question.options]


class MultipleChoice(SingleChoice):
    name = "multiple_choice"
    chosen_key = "includes"
    LOOK = Look(widget="choices", multiple=True)

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.checkboxes(label, ui.options(question, lang))

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        chosen = set(field.data or ())
        return [o.value for o in question.options if o.value in chosen]

    def candidates(self, question: Any) -> list[Any]:
        return [[o.value] for o in question.options]


class Integer(FieldType):
    name = "integer"
    numeric = True
    LOOK = Look(inputmode="numeric")

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.whole(label, question.min, question.max)

    def candidates(self, question: Any) -> list[Any]:
        low = question.min if question.min is not None else 0
        return [max(low, 1), low, max(low, 2)]  # two: one rest day a week is a risk too


class DecimalNumber(FieldType):
    name = "decimal"
    numeric = True
    LOOK = Look(inputmode="decimal")

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.decimal(label, question.min, question.max)

    def to_form(self, question: Any, value: Any) -> Any:
        return Decimal(str(value))

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        # Stored as text: exact, whatever the database's JSON does with floats.
        return None if field.data is None else format(field.data.normalize(), "f")

    def candidates(self, question: Any) -> list[Any]:
        return ["10.5"]

    def unit(self, question: Any, lang: str) -> str:
        return question.unit.get(lang) if question.unit else ""


class Percentage(DecimalNumber):
    name = "percentage"

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.decimal(label, Decimal(0), Decimal(100))

    def candidates(self, question: Any) -> list[Any]:
        return ["0"]

    def unit(self, question: Any, lang: str) -> str:
        return "%"


class Text(FieldType):
    name = "text"

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.text(label, question.max_length, question.multiline)

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        return (field.data or "").strip()

    def candidates(self, question: Any) -> list[Any]:
        return ["n/a"]

    def look(self, question: Any) -> Look:
        return TEXTAREA if question.multiline else self.LOOK


TEXTAREA = Look(textarea=True)


class Date(FieldType):
    name = "date"
    LOOK = Look(input_type="date")

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.date(label)

    def to_form(self, question: Any, value: Any) -> Any:
        return date.fromisoformat(value)

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        return None if field.data is None else field.data.isoformat()

    def candidates(self, question: Any) -> list[Any]:
        return ["2020-01-01"]


class Documents(FieldType):
    """Files as evidence. The stored answer lists the files kept from before and, as
    {"new": (name, bytes, type)}, the checked uploads that the caller stores (see evidence)."""

    name = "documents"
    keeps_files = True
    LOOK = Look(widget="documents")

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        return ui.documents(label)

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        removed: set[Any] = getattr(field, "removed", set())
        kept = [d for d in before.get(question.id) or [] if d.get("id") not in removed]
        new = [{"new": item} for item in getattr(field, "checked", [])]
        return (kept + new)[: question.max_files]

    def shown(self, ui: Any, question: Any, value: Any, lang: str) -> tuple[str, Rows]:
        return "; ".join(d.get("filename") or d["new"][0] for d in value), []

    def candidates(self, question: Any) -> list[Any]:
        return [[]]


BLANK_ROWS = 2


class Table(FieldType):
    """Rows of columns (a FieldList of row forms); a blank row is no row."""

    name = "table"
    LOOK = Look(widget="table", own_messages=True)

    def field(self, ui: Any, question: Any, label: str, lang: str) -> Any:
        cells = {c.id: CELL_TYPES[c.type].field(ui, c, c.text.get(lang)) for c in question.columns}
        return ui.table(question, label, cells)

    def stored(self, question: Any, field: Any, before: Mapping[str, Any]) -> Any:
        rows = [
            {c.id: cell(c, entry.form[c.id].data) for c in question.columns}
            for entry in field.entries
        ]
        return [row for row in rows if any(v is not None for v in row.values())]

    def check(self, ui: Any, question: Any, field: Any) -> None:
        """A required cell in a row that is not blank must be filled."""
        for entry in field.entries:
            cells = {c.id: entry.form[c.id] for c in question.columns}
            if all(cell(c, cells[c.id].data) is None for c in question.columns):
                for sub in entry.form:  # a blank row is no row: nothing in it is wrong
                    sub.errors = []
                continue
            for column in question.columns:
                box = cells[column.id]
                if column.required and cell(column, box.data) is None and not box.errors:
                    box.errors = [ui.REQUIRED_CELL]

    def prepare(self, question: Any, field: Any) -> None:
        """Room for new rows (the page's script can add more)."""
        filled = [
            e
            for e in field.entries
            if any(cell(c, e.form[c.id].data) is not None for c in question.columns)
        ]
        blank = len(field.entries) - len(filled)
        for _ in range(min(BLANK_ROWS - blank, question.max_rows - len(field.entries))):
            field.append_entry()

    def shown(self, ui: Any, question: Any, value: Any, lang: str) -> tuple[str, Rows]:
        labels = {c.id: c.text.get(lang) for c in question.columns}
        rows = [
            [(labels[k], ui.plain(v)) for k, v in row.items() if v is not None and k in labels]
            for row in value
        ]
        return "", rows

    def candidates(self, question: Any) -> list[Any]:
        return [[]]


def cell(column: Any, value: Any) -> Any:
    """A table cell's data as stored (see CellType.stored)."""
    return CELL_TYPES[column.type].stored(value)


@dataclass(frozen=True)
class CellLook:
    """What the page needs to draw a table cell."""

    select: bool = False  # a drop-down of the field's choices
    input_type: str = "text"
    inputmode: str = ""
    countries: bool = False  # a code or a name, offered from the page's country list


class CellType:
    """One type of table column: its form field, how a cell is stored and how it is drawn."""

    name: ClassVar[str]
    LOOK: ClassVar[CellLook] = CellLook()

    def field(self, ui: Any, column: Any, label: str) -> Any:
        return ui.line(label, column.max_length)

    def stored(self, value: Any) -> Any:
        """The cell's data as stored: text trimmed, a blank as None."""
        if isinstance(value, str):
            value = self.clean(value.strip())
        return None if value == "" else value

    def clean(self, text: str) -> str:
        return text


class TextCell(CellType):
    name = "text"


class EmailCell(CellType):
    name = "email"
    LOOK = CellLook(input_type="email")

    def field(self, ui: Any, column: Any, label: str) -> Any:
        return ui.email(label, column.max_length)


class CountryCell(CellType):
    name = "country"
    LOOK = CellLook(countries=True)

    def field(self, ui: Any, column: Any, label: str) -> Any:
        return ui.country(label)

    def clean(self, text: str) -> str:
        # Stored as its code, whatever the supplier typed (a code or a name in any of the
        # languages normalise_country reads); the form has refused what names no country.
        return normalise_country(text) or text.upper()


class IntegerCell(CellType):
    name = "integer"
    LOOK = CellLook(inputmode="numeric")

    def field(self, ui: Any, column: Any, label: str) -> Any:
        return ui.whole(label, 0, None)


class YesNoCell(CellType):
    name = "yes_no"
    LOOK = CellLook(select=True)

    def field(self, ui: Any, column: Any, label: str) -> Any:
        return ui.yes_no_select(label)


CELL_TYPES: dict[str, CellType] = {
    t.name: t for t in (TextCell(), EmailCell(), CountryCell(), IntegerCell(), YesNoCell())
}


FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        YesNo(),
        SingleChoice(),
        MultipleChoice(),
        Integer(),
        DecimalNumber(),
        Percentage(),
        Text(),
        Date(),
        Documents(),
        Table(),
    )
}


def field_type(question: Any) -> FieldType:
    """The registry's entry for question's type."""
    return FIELD_TYPES[question.type]
