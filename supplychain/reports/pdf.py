"""The only module that imports WeasyPrint: HTML in, PDF bytes out, nothing fetched.

Documents embed their styles and pictures (inline CSS, inline SVG), so the fetcher refuses
every URL: supplier text that slipped an <img src=file:///...> or a link to a server into a
page cannot make the renderer read a file or call out (WeasyPrint CVE-2025-68616 was a
redirect escape from a permissive fetcher).
"""

from __future__ import annotations

from typing import Any


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"not fetched: {url[:80]}")


def render_pdf(html: str) -> bytes:
    """Render a self-contained HTML document to PDF."""
    import weasyprint  # imported here: it takes about a second to load

    return weasyprint.HTML(string=html, url_fetcher=_refuse, base_url="about:blank").write_pdf()
