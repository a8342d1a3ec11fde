"""The only module that imports WeasyPrint: HTML in, PDF bytes out, nothing fetched but our own
static files.

Pictures are inline SVG; style sheets and nothing else come from the app's static folder,
through a fetcher that maps one made-up origin onto that folder and refuses every other URL:
supplier text that slipped an <img src=file:///...> or a link to a server into a page cannot
make the renderer read a file or call out (WeasyPrint CVE-2025-68616 was a redirect escape
from a permissive fetcher).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import resource_dir

# Documents refer to static files relative to this base: href="css/report.css".
STATIC_BASE = "https://static.invalid/"


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


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            body, mime = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnly(allowed_protocols=())


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector, and collect once after.

    A large report's boxes are millions of objects, all alive until the PDF is written; each
    collection during layout walks them again for almost nothing (10-20% of a 300-page
    report's time, and as much of plain text's; peak RSS rose by 9 MB). The process-wide
    switch is only turned back on by the render that turned it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def render(html: str) -> Rendered:
    """Lay out a document and write it as PDF, with its number of pages."""
    with _no_cyclic_gc():
        return _render(html)  # the document is dropped before the one collection


def _render(html: str) -> Rendered:
    import weasyprint  # imported here: it takes about a second to load

    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=STATIC_BASE).render()
    return Rendered(document.write_pdf(), len(document.pages))


def render_pdf(html: str) -> bytes:
    """Render a document to PDF bytes."""
    return render(html).pdf
