"""The names of the 21 sections of NACE Rev. 2, translated: the map's groups and the sector
filters name a section by its words, not only by its letter. The English is Eurostat's
(supplychain/data/nace_rev2.csv); a test checks the two agree."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NAMES = {
    "A": _l("Agriculture, forestry and fishing"),
    "B": _l("Mining and quarrying"),
    "C": _l("Manufacturing"),
    "D": _l("Electricity, gas, steam and air conditioning supply"),
    "E": _l("Water supply; sewerage, waste management and remediation activities"),
    "F": _l("Construction"),
    "G": _l("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": _l("Transportation and storage"),
    "I": _l("Accommodation and food service activities"),
    "J": _l("Information and communication"),
    "K": _l("Financial and insurance activities"),
    "L": _l("Real estate activities"),
    "M": _l("Professional, scientific and technical activities"),
    "N": _l("Administrative and support service activities"),
    "O": _l("Public administration and defence; compulsory social security"),
    "P": _l("Education"),
    "Q": _l("Human health and social work activities"),
    "R": _l("Arts, entertainment and recreation"),
    "S": _l("Other service activities"),
    "T": _l(
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use"
    ),
    "U": _l("Activities of extraterritorial organisations and bodies"),
}


def section_name(letter: str) -> str:
    """The section's name in the language in force ("?" for suppliers without a sector)."""
    name = NAMES.get(letter)
    return f"{letter} · {name}" if name is not None else letter
