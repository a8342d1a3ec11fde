"""The workers' pages on a site (/w/<code>: public, no account, phone first) and the site's poster.

Anonymity is a design property of these pages. They set no cookie and read no session: their
forms carry no CSRF token, because a forged post could only do what anyone may do here openly
(leave a check-in or a report), and a reply needs the case's secret code, which a forging site
does not have; no cookie means no ambient authority to abuse. Nothing the browser sends about
the worker is kept: logredact strips the address, user agent and Referer of these requests
before the app or the server's access log sees them, and masks the site's code in the paths.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask import Response as HttpResponse
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from .. import storage
from ..access import public, requires
from ..db import get_session
from ..downloads import pdf_attachment
from ..extensions import csrf
from ..logredact import anonymous
from ..models import Role, Site, utcnow
from ..resources import resource_dir
from ..tenancy import get_or_404
from ..text import CONTROL, visible
from . import checkin, services
from .pages import Page, page_for, poster_pages, qr_png, track_page
from .photo import Photo, PhotoRefused, clean

bp = Blueprint("voice", __name__)
# See the module's docstring: no session, so no CSRF token; nothing here acts for anyone else.
csrf.exempt(bp)

FORM_MAX_BYTES = 64 * 1024  # 4000 characters of any script, percent-encoded, and the rest
# A report with a photo: a photo up to some times too large is still read through (and
# refused with the worker's text kept); a larger request is refused before it is parsed.
PHOTO_REQUEST_FACTOR = 4


class _Capped(io.BytesIO):
    """An uploaded file in memory, never on disk (Werkzeug spools a large file to a temporary
    file, which would hold the phone's metadata): its first limit + 1 bytes only, enough to
    tell that it is too large; the rest is read and dropped."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.room = limit + 1

    def write(self, data: Any) -> int:
        kept = bytes(data[: max(0, self.room - self.tell())])
        super().write(kept)
        return len(data)


class _PhotoFormParser(FormDataParser):
    """Werkzeug's form parser, keeping each file in a _Capped buffer of the photo's limit."""

    def __init__(self, **options: Any) -> None:
        limit = int(current_app.config["VOICE_PHOTO_MAX_BYTES"])
        super().__init__(**{**options, "stream_factory": lambda **_: _Capped(limit)})


@bp.before_request
def _bounded() -> None:
    # A form is refused before it is parsed when it is longer than its longest text can be;
    # a report may bring a photo (read by _PhotoFormParser, its texts still bounded).
    if request.endpoint == "voice.report" and request.mimetype == "multipart/form-data":
        limit = int(current_app.config["VOICE_PHOTO_MAX_BYTES"])
        request.max_content_length = PHOTO_REQUEST_FACTOR * limit + FORM_MAX_BYTES
        request.max_form_memory_size = FORM_MAX_BYTES
        request.form_data_parser_class = _PhotoFormParser
    elif request.endpoint != "voice.poster":
        request.max_content_length = FORM_MAX_BYTES


@bp.after_request
def _private(response: HttpResponse) -> HttpResponse:
    if request.endpoint not in ("voice.poster", "voice.stylesheet"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def _site_page(code: str) -> tuple[Site, Page]:
    site = services.find_site(get_session(), code)
    if site is None:
        abort(404)
    return site, page_for(site, request.args.get("lang"), request.accept_languages)


def _typed(name: str, limit: int) -> tuple[str, bool]:
    """A text field's value and whether it is within limit. Control and invisible characters
    are dropped rather than refused: a worker never types one, and an error about them would
    only puzzle (PostgreSQL cannot store NUL)."""
    text = CONTROL.sub("", visible(request.form.get(name, ""))).strip()
    return text, len(text) <= limit


@bp.route("/w/voice.css")
@public
@anonymous
def stylesheet() -> Any:
    """The pages' style sheet, served under /w/ so that its request, too, keeps no address."""
    css = (resource_dir("static") / "css" / "voice.css").read_bytes()
    response = HttpResponse(css, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


@bp.route("/w/<code>")
@public
@anonymous
def site(code: str) -> Any:
    return _plain_page(code, "voice/site.html")


@bp.route("/w/<code>/help")
@public
@anonymous
def danger(code: str) -> Any:
    """The emergency and help numbers, at once: nothing to type first."""
    return _plain_page(code, "voice/danger.html")


@bp.route("/w/<code>/check-in", methods=["GET", "POST"])
@public
@anonymous
def check_in(code: str) -> Any:
    site, page = _site_page(code)
    session = get_session()
    employers = services.employers(session, site)
    if request.method == "POST":
        answers = {q.id: request.form.get(q.id, "") for q in checkin.QUESTIONS}
        services.record_check_in(
            session,
            site,
            employer=answers.pop(checkin.EMPLOYER),
            answers=answers,
            language=page.lang,
            today=utcnow().date(),
        )
        session.commit()
        return redirect(url_for("voice.thanks", code=site.code, lang=page.lang))
    return render_template(
        "voice/check_in.html",
        page=page,
        code=site.code,
        questions=checkin.QUESTIONS,
        employers=employers,
    )


@bp.route("/w/<code>/thanks")
@public
@anonymous
def thanks(code: str) -> Any:
    return _plain_page(code, "voice/thanks.html")


def _plain_page(code: str, template: str) -> Any:
    """A page of the site's with nothing of its own to read or keep."""
    site, page = _site_page(code)
    return render_template(template, page=page, code=site.code)


@bp.route("/w/<code>/report", methods=["GET", "POST"])
@public
@anonymous
def report(code: str) -> Any:
    site, page = _site_page(code)
    if request.method == "GET":
        return _report_form(site, page, None, "", "")
    if not _parsed():  # what was typed is lost with it: the body is never read
        multipart = request.mimetype == "multipart/form-data"
        error = page.texts.photo_too_large if multipart else page.texts.report_too_long
        return _report_form(site, page, error, "", ""), 413
    text, contact, photo, error = _sent_report(page)
    if error is not None:
        return _report_form(site, page, error, text, contact)
    session = get_session()
    tracking = services.open_case(
        session,
        site,
        text=text,
        contact=contact,
        language=page.lang,
        today=utcnow().date(),
        acknowledge_days=current_app.config["VOICE_ACKNOWLEDGE_DAYS"],
        photo=photo,
        folder=storage.upload_dir(current_app),
    )
    session.commit()
    # Shown this once, in this response only: never in a URL, never stored.
    return render_template("voice/code.html", page=page, code=site.code, tracking=tracking)


def _sent_report(page: Page) -> tuple[str, str, Photo | None, str | None]:
    """The report posted: its text, contact and photo (cleaned: voice.photo), and what is
    wrong with them in the worker's words (None: nothing). The photo is decoded last, and
    only for a report that is otherwise right."""
    text, text_ok = _typed("text", services.TEXT_MAX)
    contact, contact_ok = _typed("contact", services.CONTACT_MAX)
    if not text:
        return text, contact, None, page.texts.report_empty
    if not (text_ok and contact_ok):
        return text, contact, None, page.texts.report_too_long
    try:
        return text, contact, _photo(), None
    except PhotoRefused as refused:
        return text, contact, None, getattr(page.texts, refused.reason.value)


def _parsed() -> bool:
    """Parse the posted form: False if the request is too large to be read at all."""
    try:
        return request.form is not None
    except RequestEntityTooLarge:
        return False


def _report_form(site: Site, page: Page, error: str | None, text: str, contact: str) -> str:
    """The report's form, with what the worker typed and what was wrong with it."""
    return render_template(
        "voice/report.html", page=page, code=site.code, error=error, text=text, contact=contact
    )


def _photo() -> Photo | None:
    """The photo sent with the report, cleaned (voice.photo), or None when none was chosen."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:  # a form sent without a file chosen
        return None
    limit = int(current_app.config["VOICE_PHOTO_MAX_BYTES"])
    return clean(upload.stream.read(), max_bytes=limit)


@bp.route("/w/track", methods=["GET", "POST"])
@public
@anonymous
def track() -> Any:
    """The worker's case, found by its code (posted, never in the URL): the messages to and
    from the worker, and a form to write again."""
    page = track_page(request.args.get("lang"), request.accept_languages)
    if request.method == "GET":
        return render_template("voice/track.html", page=page, case=None, unknown=False)
    session = get_session()
    tracking = request.form.get("tracking", "")[:64]
    case = services.find_case(session, tracking)
    if case is None:
        return render_template("voice/track.html", page=page, case=None, unknown=True), 404
    text, ok = _typed("reply", services.TEXT_MAX)
    sent = False
    if text and ok:
        services.reply(session, case, text)
        session.commit()
        sent = True
    return render_template(
        "voice/track.html",
        page=page,
        case=case,
        tracking=tracking,
        messages=services.messages(session, case),
        sent=sent,
        too_long=bool(text) and not ok,
    )


def workers_address(site: Site) -> str:
    """The full address of the site's workers' pages, as its poster prints it and its QR code
    holds it."""
    return current_app.config["BASE_URL"] + url_for("voice.site", code=site.code)


@bp.route("/sites/<int:site_id>/poster.pdf")
@requires(Role.VIEWER)
def poster(site_id: int) -> Any:
    """The site's poster: one A4 page per language of the site, with the QR code of its
    workers' page, its short address and the help numbers."""
    site = get_or_404(get_session(), Site, site_id)
    address = workers_address(site)
    pages = poster_pages(site)
    html = render_template(
        "voice/poster_print.html",
        pages=pages,
        address=address,
        short=address.split("://", 1)[-1],
        qr=qr_png(address),
    )
    return pdf_attachment(html, f"poster-{site.code}.pdf")
