"""Files the app hands out as downloads, named safely whatever the name holds (a supplier's
code may carry quotes or letters outside ASCII: Werkzeug writes RFC 6266's filename*)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, send_file


def attachment(data: bytes, mimetype: str, name: str) -> Response:
    """data as a download called name, never shown inline."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def stored_file(path: Path, mimetype: str, name: str) -> Response:
    """A file we keep (an uploaded document) as a download called name, never shown inline."""
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)


def pdf_attachment(html: str, name: str) -> Response:
    """The PDF of our own HTML, as a download called name."""
    from .pdf import render_pdf

    return attachment(render_pdf(html), "application/pdf", name)
