"""The check-in's results on a site's page, for officers: the whole site and each employer's
group, each shown only from voice.checkin.MIN_GROUP workers up (a smaller group's answers could
be traced to the people who gave them: of such a group only how many more are needed is said).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlmodel import Session, col

from ..access import can
from ..models import Role, Site, Supplier
from ..reference.ilo import NAMES as ILO_NAMES
from ..risk import charts
from ..sites.services import suppliers_on
from ..tenancy import in_org
from ..voice import services as voice
from ..voice.checkin import EMPLOYER, QUESTIONS, Tally, by_employer, tally
from ..voice.texts import VoiceTexts, load_texts


@dataclass(frozen=True)
class QuestionResult:
    text: str
    indicator: str
    share: int  # per cent of the workers who answered it that gave a sign of the indicator
    answered: int
    options: tuple[tuple[str, int], ...]  # option's words, workers
    chart: charts.Chart


@dataclass(frozen=True)
class GroupResult:
    title: str
    answered: int  # shown only when the group is
    more_needed: int
    questions: tuple[QuestionResult, ...]  # empty unless shown

    @property
    def shown(self) -> bool:
        return not self.more_needed


def _questions(counted: Tally, words: VoiceTexts) -> tuple[QuestionResult, ...]:
    found = []
    for question in QUESTIONS:
        if question.id == EMPLOYER:  # the groups are its answers
            continue
        given = counted.counts.get(question.id, {})
        options = words.questions[question.id].options
        found.append(
            QuestionResult(
                text=words.questions[question.id].text,
                indicator=str(ILO_NAMES[question.indicator]),
                share=round(100 * counted.share(question.id)),
                answered=sum(given.values()),
                options=tuple((options[o], given.get(o, 0)) for o in question.options),
                chart=charts.answers(
                    [(options[o], given.get(o, 0), o in question.signs) for o in question.options]
                ),
            )
        )
    return tuple(found)


def _group(title: str, counted: Tally, words: VoiceTexts) -> GroupResult:
    """A group as the page may show it: nothing but how many more are needed below MIN_GROUP."""
    if not counted.shown:
        return GroupResult(title, 0, counted.more_needed, ())
    return GroupResult(title, counted.answered, 0, _questions(counted, words))


def site_panel(session: Session, site: Site) -> dict[str, object] | None:
    """The results on the site's page (sites.routes' panel "checkins"), for officers only."""
    return site_results(session, site, str(get_locale())) if can(Role.OFFICER) else None


def site_results(session: Session, site: Site, lang: str) -> dict[str, object]:
    """The site's group, each employer's (the site's suppliers, any other one workers named,
    and "I don't know"), and how many workers did not know their employer (when the site's
    group is shown)."""
    assert site.id is not None
    texts = load_texts()
    words = texts.get(lang) or texts["en"]
    rows = voice.check_ins_at(session, site.organisation_id, site.id)
    groups = by_employer(rows)
    names = {s.id: s.name for s in suppliers_on(session, site)}
    others = [sid for sid in groups if sid is not None and sid not in names]
    if others:
        query = in_org(Supplier, site.organisation_id).where(col(Supplier.id).in_(others))
        names.update({s.id: s.name for s in session.exec(query)})
    employers = [
        _group(name, groups.get(sid) or tally([]), words)
        for sid, name in sorted(names.items(), key=lambda item: item[1].casefold())
    ]
    unknown = groups.get(None) or tally([])
    employers.append(_group(_("I don't know who my employer is"), unknown, words))
    whole = _group(_("The whole site"), tally([answers for _sid, answers in rows]), words)
    return {
        "whole": whole,
        "employers": employers,
        "unknown": unknown.answered if whole.shown else None,
    }
