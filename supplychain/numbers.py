"""Reading a number typed by a person: bounded in length, digits and exponent before conversion.

`Decimal("1e1000000")` parses at once, but `int()` of it takes a minute of CPU and
`format(..., "f")` of `1e999999` is a megabyte of text. So the text's length is checked first,
then `Decimal`'s tuple (digit count and exponent), and only a number that passed is converted:
every step costs the same whatever was typed. No request and no database here: callers
say what a refusal means for them (a form error, a row's problem, a query's default).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_LENGTH = 40  # characters of a number as typed, spaces included
MAX_ID = 2**31 - 1  # row ids fit PostgreSQL's integer; larger numbers can name nothing


class NumberError(ValueError):
    """The text is not a number within bounds; str() is the message to show (translated)."""

    def __init__(self, message: object):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class NotANumber(NumberError):
    """The text is no number (of the kind asked for) at all, rather than one out of bounds."""


def parse_decimal(text: str, *, digits: int, places: int, comma: bool = True) -> Decimal:
    """The number in text, with at most digits before the point and places after it.

    Spaces are ignored ("1 200"); with comma, a decimal comma is read as a point, as Latvian
    and most European keyboards type it. Raises NumberError naming what is wrong.
    """
    if len(text) > MAX_LENGTH:
        raise NumberError(_l("Enter a number of at most %(n)d characters.", n=MAX_LENGTH))
    text = text.replace(" ", "").replace("\u00a0", "")
    if comma:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NotANumber(_l("Enter a number.")) from None
    _sign, figures, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or Infinity
        raise NotANumber(_l("Enter a number."))
    if not any(figures):
        return Decimal(0)  # "0e1000000" is zero, not an exponent to carry along
    trailing = len(figures) - len("".join(map(str, figures)).rstrip("0"))
    if exponent + len(figures) > digits:
        raise NumberError(_l("The number is too large."))
    if exponent + trailing < -places:
        if places == 0:
            raise NotANumber(_l("Enter a whole number."))
        raise NumberError(_l("Use at most %(n)d decimal places.", n=places))
    # Both bounds hold, so the exponent is small and digits + places (at most 21 here) stay
    # within Decimal's precision: 1E+3 becomes 1000 and 2.50 becomes 2.5.
    return value.quantize(Decimal(1).scaleb(min(0, exponent + trailing)))


def parse_integer(text: str, *, digits: int) -> int:
    """The whole number in text, of at most digits digits ("12", "1 200", "1e3", "12.0")."""
    try:
        return int(parse_decimal(text, digits=digits, places=0, comma=False))
    except NotANumber:
        raise NotANumber(_l("Enter a whole number.")) from None


def bounded_int(minimum: int, maximum: int) -> Callable[[str], int]:
    """A converter to a whole number from minimum to maximum, raising ValueError otherwise.

    For request.args.get(type=...), where ValueError makes the argument's default apply as it
    does for text that is no number at all, and for a WTForms field's coerce=.
    """

    def convert(text: str | int) -> int:
        value = text if isinstance(text, int) else parse_integer(text, digits=len(str(maximum)))
        if not minimum <= value <= maximum:
            raise ValueError(text)
        return value

    return convert


# Converters for the numbers that query strings and choice fields carry.
row_id = bounded_int(0, MAX_ID)  # 0: "none", as some choice fields use it
page_number = bounded_int(1, 100_000)  # far past the last page of any list we show
small_count = bounded_int(0, 9999)  # a tier, a version


class RowIdConverter(IntegerConverter):
    """<int:...> in our URLs, which always names a row: a number past MAX_ID names nothing.

    That is a 404 whatever the method: on a ValidationError werkzeug would try the path's other
    rules and answer 405 where one takes another method. The length is checked before int(),
    which refuses more than 4300 digits with a ValueError (a 500).
    """

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
            raise NotFound()
        return super().to_python(value)
