"""The prevention guide: Markdown files with front matter, one per section and language.

Loaded once per app and checked: every language has every section, front matter is complete,
and the ids it names (rules, ILO indicators, other sections) exist. The text is ours, not
supplier input, so it is rendered as Markdown; raw HTML in it is escaped all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypedDict

import markdown
import yaml
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..reference.worker_texts import FOLDER as WORKER_TEXTS
from ..vocab import LANGUAGES, IloIndicator

CONTENT = Path(__file__).resolve().parent / "content"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_HEADING = re.compile(r"^## .*$", re.M)
_BULLET = re.compile(r"^\s*[-*] (.+)$", re.M)
_INLINE_LINK = re.compile(r"\[([^\]]+)\]\(#[a-z0-9-]+\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\]\(#([a-z0-9-]+)\)")
_SECTION_HREF = re.compile(r'href="#([a-z0-9-]+)"')


class GuideError(Exception):
    """A guide file that cannot be used, with the file named."""


class _Front(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    order: int
    tool: int = Field(ge=0, le=5)
    ilo: list[IloIndicator] = Field(default_factory=list)
    summary: str = Field(min_length=1)


@dataclass(frozen=True)
class Section:
    id: str
    lang: str
    title: str
    order: int
    tool: int
    ilo: tuple[IloIndicator, ...]
    summary: str
    body: str  # Markdown
    html: Markup
    links: tuple[str, ...]  # sections the body links to

    @property
    def immediate_actions(self) -> list[Markup]:
        """The bullets of the section's second part ("what to do now" in every language), as
        one line each: bold kept, links to other sections reduced to their text (a checklist
        or a report that lists them stands apart from the guide's pages)."""
        parts = _HEADING.split(self.body)
        bullets = _BULLET.findall(parts[2]) if len(parts) > 2 else []
        return [_inline(b) for b in bullets]

    @property
    def text(self) -> str:
        """Plain text for search."""
        return f"{self.title}\n{self.summary}\n{self.body}".casefold()


def _inline(text: str) -> Markup:
    """One line of our Markdown: **bold** kept, [text](#section) as its text."""
    plain = _INLINE_LINK.sub(r"\1", text)
    # escaped first, so the only markup is the <strong> added here
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(plain))))  # noqa: S704


def _render(body: str) -> Markup:
    # Our own content; escape any raw HTML anyway rather than pass it through.
    safe = body.replace("&", "&amp;").replace("<", "&lt;")
    html = markdown.markdown(safe, extensions=["tables", "sane_lists"], output_format="html")
    html = _SECTION_HREF.sub(r'href="\1"', html)  # (#screening) is the page /guide/screening
    return Markup(html)  # noqa: S704 (Markdown of our own text, with its raw HTML escaped above)


def load_section(path: Path, lang: str) -> Section:
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        raise GuideError(f"{path}: needs front matter between --- lines")
    try:
        front = _Front.model_validate(yaml.safe_load(match.group(1)))
    except (ValidationError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: {exc}") from None
    if front.id != path.stem:
        raise GuideError(f"{path}: id {front.id} differs from the file name")
    body = match.group(2)
    return Section(
        id=front.id,
        lang=lang,
        title=front.title,
        order=front.order,
        tool=front.tool,
        ilo=tuple(front.ilo),
        summary=front.summary,
        body=body,
        html=_render(body),
        links=tuple(_LINK.findall(body)),
    )


@dataclass(frozen=True)
class Guide:
    sections: dict[str, dict[str, Section]]  # lang -> id -> section

    def section(self, lang: str, section_id: str) -> Section | None:
        return self.sections.get(lang, self.sections["en"]).get(section_id)

    def ordered(self, lang: str) -> list[Section]:
        return sorted(self.sections.get(lang, self.sections["en"]).values(), key=lambda s: s.order)

    def search(self, lang: str, query: str) -> list[Section]:
        words = [w for w in query.casefold().split() if w]
        if not words:
            return []
        return [s for s in self.ordered(lang) if all(w in s.text for w in words)]


def load_guide(folder: Path = CONTENT) -> Guide:
    """Every section in every language, checked for completeness and dangling links."""
    sections: dict[str, dict[str, Section]] = {}
    for lang in LANGUAGES:
        files = sorted((folder / lang).glob("*.md"))
        sections[lang] = {s.id: s for s in (load_section(p, lang) for p in files)}
    ids = set(sections["en"])
    for lang in LANGUAGES:
        if set(sections[lang]) != ids:
            missing = sorted(ids ^ set(sections[lang]))
            raise GuideError(
                f"guide/{lang}: sections missing in one language: {', '.join(missing)}"
            )
        for section in sections[lang].values():
            dangling = [link for link in section.links if link not in ids]
            if dangling:
                raise GuideError(f"guide/{lang}/{section.id}.md: links to unknown {dangling}")
    return Guide(sections)


ESCALATION = "when-suspicions-arise"  # the section whose page lists the contacts


CONTACTS = Path(__file__).resolve().parent / "contacts.yaml"


def load_contacts(path: Path, lang: str) -> list[dict[str, str]]:
    """The contacts for when suspicions arise, from a YAML file (see contacts.yaml), in lang:
    id ("" where none), name, when, phone, website, source, checked (YYYY-MM-DD) and caveat
    ("" where none)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    contacts = []
    for number, item in enumerate(items, 1):
        missing = [key for key in ("name", "source", "checked") if not item.get(key)]
        if item.get("workers") and not item.get("id"):
            missing.append("id (a contact shown to workers needs one)")
        if missing:
            raise GuideError(f"{path.name}: contact {number}: missing {', '.join(missing)}")
        caveat = item.get("caveat") or {}
        contacts.append(
            {
                "id": str(item.get("id", "")),
                "name": item["name"].get(lang) or item["name"]["en"],
                "when": (item.get("when") or {}).get(lang, ""),
                "phone": str(item.get("phone", "")),
                "website": item.get("website", ""),
                "source": _in(item["source"], lang),
                "checked": str(item["checked"]),
                "caveat": caveat.get(lang) or caveat.get("en", ""),
            }
        )
    return contacts


def _in(text: str | dict[str, str], lang: str) -> str:
    """A text given in one form for every language, or by language (en required)."""
    return text if isinstance(text, str) else text.get(lang) or text["en"]


def worker_contact_ids(path: Path) -> list[str]:
    """The ids of the contacts marked `workers: true` (shown to workers), in the file's order."""
    load_contacts(path, "en")  # the same checks
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [str(item["id"]) for item in items if item.get("workers")]


def contacts_path() -> Path:
    """The contacts file: SUPPLYCHAIN_GUIDE_CONTACTS, or the one shipped with the guide."""
    from flask import current_app

    return Path(current_app.config.get("GUIDE_CONTACTS") or CONTACTS)


def worker_texts_path() -> Path:
    """The workers' texts: SUPPLYCHAIN_WORKER_TEXTS, or the ones shipped with the app."""
    from flask import current_app

    return Path(current_app.config.get("WORKER_TEXTS") or WORKER_TEXTS)


def contacts(lang: str) -> list[dict[str, str]]:
    """The configured contacts for when suspicions arise, in lang (needs an app context)."""
    return load_contacts(contacts_path(), lang)


class Escalation(TypedDict):
    """The guide's section on suspicions, as the top of a critical flag's or case's page shows
    it: its steps and who to contact."""

    id: str
    title: str
    actions: list[Markup]
    contacts: list[dict[str, str]]


def escalation(lang: str) -> Escalation | None:
    """The steps for when suspicions arise, with the contacts, in lang (needs an app context)."""
    section = guide().section(lang, ESCALATION)
    if section is None:
        return None
    return {
        "id": section.id,
        "title": section.title,
        "actions": section.immediate_actions,
        "contacts": contacts(lang),
    }


@cache
def guide() -> Guide:
    """The shipped guide, loaded once."""
    return load_guide()
