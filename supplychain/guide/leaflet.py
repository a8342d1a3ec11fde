"""The leaflet for workers: each language's texts with the numbers of the contacts shown to
workers, one printed page per language. No organisation's data goes into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..reference.worker_texts import WorkerTexts, load_texts
from .content import load_contacts, worker_contact_ids

EMERGENCY = "emergency"  # the contact id shown at the top, for someone in danger now


@dataclass(frozen=True)
class LeafletContact:
    id: str
    name: str  # in the page's language
    does: str
    phone: str  # exactly as in the contacts file, "" where none
    website: str  # shown without https:// (www.vdi.gov.lv), "" where none


@dataclass(frozen=True)
class LeafletPage:
    lang: str
    texts: WorkerTexts
    contacts: tuple[LeafletContact, ...]
    checked: str  # the day the oldest-checked contact shown was checked

    @property
    def signs(self) -> list[str]:
        return list(self.texts.signs.values())

    @property
    def emergency(self) -> LeafletContact | None:
        """The emergency number, shown apart at the top of the page."""
        return next((c for c in self.contacts if c.id == EMERGENCY), None)

    @property
    def others(self) -> list[LeafletContact]:
        return [c for c in self.contacts if c.id != EMERGENCY]


def _shown(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def leaflet_pages(contacts_file: Path, texts_folder: Path) -> dict[str, LeafletPage]:
    """Every language's page, by code, in the order of the languages' own names."""
    ids = worker_contact_ids(contacts_file)
    texts = load_texts(ids, texts_folder)
    contacts = {c["id"]: c for c in load_contacts(contacts_file, "en") if c["id"] in ids}
    checked = min((c["checked"] for c in contacts.values()), default="")
    pages = {}
    for lang, text in sorted(texts.items(), key=lambda item: item[1].language.casefold()):
        shown = tuple(
            LeafletContact(
                id=cid,
                name=text.contacts[cid].name,
                does=text.contacts[cid].does,
                phone=contacts[cid]["phone"],
                website=_shown(contacts[cid]["website"]),
            )
            for cid in ids
        )
        pages[lang] = LeafletPage(lang=lang, texts=text, contacts=shown, checked=checked)
    return pages
