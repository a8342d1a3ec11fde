"""The names of the ILO's eleven indicators of forced labour (the ids are in supplychain.vocab).

Questionnaire annotations, risk rules and the guide name them by these ids. The indicators are
clues, not legal proof: one may be enough in a case, other cases need several together.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..vocab import IloIndicator

NAMES = {
    IloIndicator.ABUSE_OF_VULNERABILITY: _l("Abuse of vulnerability"),
    IloIndicator.DECEPTION: _l("Deception"),
    IloIndicator.RESTRICTION_OF_MOVEMENT: _l("Restriction of movement"),
    IloIndicator.ISOLATION: _l("Isolation"),
    IloIndicator.PHYSICAL_AND_SEXUAL_VIOLENCE: _l("Physical and sexual violence"),
    IloIndicator.INTIMIDATION_AND_THREATS: _l("Intimidation and threats"),
    IloIndicator.RETENTION_OF_IDENTITY_DOCUMENTS: _l("Retention of identity documents"),
    IloIndicator.WITHHOLDING_OF_WAGES: _l("Withholding of wages"),
    IloIndicator.DEBT_BONDAGE: _l("Debt bondage"),
    IloIndicator.ABUSIVE_WORKING_AND_LIVING_CONDITIONS: _l("Abusive working and living conditions"),
    IloIndicator.EXCESSIVE_OVERTIME: _l("Excessive overtime"),
}
