"""What every worker's page and poster page is made of: the language chosen among the site's,
its texts (data/voice/) and its help contacts (the leaflet's, from data/workers/ and the
contacts file), and the QR code of the site's address."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno

from ..guide.content import contacts_path, worker_texts_path
from ..guide.leaflet import LeafletPage, leaflet_pages
from ..models import Site
from .texts import VoiceTexts, load_texts


@dataclass(frozen=True)
class Page:
    lang: str
    texts: VoiceTexts
    help: LeafletPage  # the language's help contacts (emergency first) and the workers' texts
    languages: tuple[tuple[str, str], ...]  # (code, the language's own name) to switch to


Available = dict[str, tuple[VoiceTexts, LeafletPage]]


@lru_cache(maxsize=4)
def _helps(contacts: Path, texts: Path, _changed: tuple[float, ...]) -> dict[str, LeafletPage]:
    return leaflet_pages(contacts, texts)


def _available() -> Available:
    """The languages with both the pages' texts and the help contacts' texts. The help
    contacts are read again only when their files change (reading them takes ~50 ms, more than
    the rest of a page), so that a new number shows without a restart, as on the leaflet."""
    contacts, texts = contacts_path(), worker_texts_path()
    changed = tuple(p.stat().st_mtime for p in [contacts, *sorted(texts.glob("*.yaml"))])
    helps = _helps(contacts, texts, changed)
    return {lang: (t, helps[lang]) for lang, t in load_texts().items() if lang in helps}


def _choose(offered: list[str], asked: str | None, accept_languages: Any) -> str:
    if asked in offered:
        return str(asked)
    return accept_languages.best_match(offered) or offered[0]


def _page(available: Available, offered: list[str], lang: str) -> Page:
    texts, help_page = available[lang]
    names = tuple((code, available[code][1].texts.language) for code in offered)
    return Page(lang=lang, texts=texts, help=help_page, languages=names)


def site_languages(site: Site, available: dict[str, Any]) -> list[str]:
    """The site's languages that the pages speak, in the site's order (all of them when the
    site names none of those)."""
    chosen = [c.strip() for c in site.languages.split(",") if c.strip() in available]
    return list(dict.fromkeys(chosen)) or list(available)


def page_for(site: Site, asked: str | None, accept_languages: Any) -> Page:
    """A site's page in the language asked (?lang=), else the browser's best among the site's."""
    available = _available()
    offered = site_languages(site, available)
    return _page(available, offered, _choose(offered, asked, accept_languages))


def track_page(asked: str | None, accept_languages: Any) -> Page:
    """The tracking page, which belongs to no site: in any language the pages speak."""
    available = _available()
    offered = list(available)
    return _page(available, offered, _choose(offered, asked, accept_languages))


def poster_pages(site: Site) -> list[Page]:
    """One poster page per language of the site."""
    available = _available()
    offered = site_languages(site, available)
    return [_page(available, offered, lang) for lang in offered]


def qr_png(text: str) -> str:
    """A QR code of text as a PNG data URI (a picture, so that the PDF carries it as an
    image that a reader, and the tests, can take out and decode)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
