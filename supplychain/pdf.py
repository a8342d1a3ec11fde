"""The only module that imports WeasyPrint: HTML in, PDF bytes out, nothing fetched but our own
static files.

Pictures are inline SVG or PNG data URIs (a poster's QR code); style sheets and nothing else
come from the app's static folder,
through a fetcher that maps one made-up origin onto that folder and refuses every other URL:
supplier text that slipped an <img src=file:///...> or a link to a server into a page cannot
make the renderer read a file or call out (WeasyPrint CVE-2025-68616 was a redirect escape
from a permissive fetcher).
"""

from __future__ import annotations

import base64
import binascii
import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .gcpause import gc_paused
from .resources import resource_dir

# Documents refer to static files relative to this base: href="css/report.css".
STATIC_BASE = "https://static.invalid/"
PNG_DATA = "data:image/png;base64,"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def static_file(url: str) -> tuple[bytes, str]:
    """The bytes and type of the file below static/ that a URL under STATIC_BASE names;
    ValueError for any other URL."""
    root = resource_dir("static").resolve()
    if url.startswith(STATIC_BASE):
        path = (root / unquote(urlsplit(url).path).lstrip("/")).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path.read_bytes(), _mime(path)
    raise ValueError(f"not fetched: {url[:80]}")


def embedded_png(url: str) -> bytes:
    """The bytes of a PNG given as a base64 data URI; ValueError for anything else."""
    if url.startswith(PNG_DATA):
        try:
            return base64.b64decode(url.removeprefix(PNG_DATA), validate=True)
        except binascii.Error:
            pass
    raise ValueError(f"not fetched: {url[:80]}")


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                body, mime = embedded_png(url), "image/png"
            else:
                body, mime = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnly(allowed_protocols=())


def render(html: str, laid_out: Callable[[], None] | None = None) -> Rendered:
    """Lay out a document and write it as PDF, with its number of pages.

    The cycle collector is paused meanwhile: a large report's boxes are millions of objects,
    all alive until the PDF is written, and each collection during layout walks them again
    for almost nothing (10-20% of a 300-page report's time). One collection follows, once the
    document is dropped, if the collector was on.
    """
    with gc_paused():
        rendered = _render(html, laid_out)
    if gc.isenabled():
        gc.collect()
    return rendered


def _render(html: str, laid_out: Callable[[], None] | None = None) -> Rendered:
    import weasyprint  # imported here: it takes about a second to load

    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=STATIC_BASE).render()
    if laid_out is not None:  # told between laying out and writing, the two long parts
        laid_out()
    return Rendered(document.write_pdf(), len(document.pages))


def render_pdf(html: str) -> bytes:
    """Render a document to PDF bytes."""
    return render(html).pdf
