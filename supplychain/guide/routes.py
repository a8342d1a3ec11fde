"""Guide pages: contents and search, one section, a supplier's one-page action list, and the
leaflet for workers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..access import requires
from ..db import get_session
from ..downloads import pdf_attachment
from ..models import Role, Severity, Supplier, utcnow
from ..risk import freshness, listing, snapshot
from ..risk import services as risk
from ..tenancy import current_org_id, get_or_404
from .content import ESCALATION, contacts, contacts_path, guide, worker_texts_path
from .leaflet import LeafletPage, leaflet_pages

bp = Blueprint("guide", __name__)

TOOLS = {
    1: "risk-assessment",
    2: "strategy",
    3: "screening",
    4: "contract-clauses",
    5: "workplace-assessment",
}


def _lang() -> str:
    lang = str(get_locale())
    return lang if lang in guide().sections else "en"


@bp.route("/")
@requires(Role.VIEWER)
def index() -> Any:
    lang = _lang()
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "guide/index.html",
        sections=guide().ordered(lang),
        query=query,
        results=guide().search(lang, query) if query else None,
    )


@bp.route("/<section_id>")
@requires(Role.VIEWER)
def section(section_id: str) -> Any:
    lang = _lang()
    found = guide().section(lang, section_id)
    if found is None:
        abort(404)
    found_contacts = contacts(lang) if section_id == ESCALATION else []
    return render_template(
        "guide/section.html", section=found, sections=guide().ordered(lang), contacts=found_contacts
    )


def _checklist(supplier_id: int) -> dict[str, Any]:
    """The supplier's flags from the latest assessment, the worst first, each with what to do
    now."""
    from ..questionnaires.catalogue import get_catalogue

    session = get_session()
    supplier = get_or_404(session, Supplier, supplier_id)
    run = risk.latest_run(session, current_org_id())
    lang = _lang()
    flags = []
    if run is not None and snapshot.same_suppliers(session, run, [supplier.id]):
        found = listing.of_supplier(session, run, supplier.id)  # else the flags are another's
        flags = listing.rows(
            session,
            run,
            found,
            catalogue=get_catalogue(),
            today=utcnow().date(),
            sections=lambda section_id: guide().section(lang, section_id),
        )
    flags.sort(key=lambda f: -Severity(f.severity).rank)
    return {
        "supplier": supplier,
        "run": run,
        "items": [{"flag": f, "actions": _actions(f.sections)} for f in flags],
        "assessed": freshness.assessed(session, run, supplier),
        "contacts": contacts(lang),
    }


def _actions(sections: tuple[Any, ...]) -> list[str]:
    """The first five things to do now, from a flag's guide sections, each once."""
    return list(dict.fromkeys(a for s in sections for a in s.immediate_actions))[:5]


@bp.route("/checklist/<int:supplier_id>")
@requires(Role.VIEWER)
def checklist(supplier_id: int) -> Any:
    return render_template("guide/checklist.html", **_checklist(supplier_id))


@bp.route("/checklist/<int:supplier_id>.pdf")
@requires(Role.VIEWER)
def checklist_pdf(supplier_id: int) -> Any:
    context = _checklist(supplier_id)
    html = render_template("guide/checklist_print.html", **context)
    return pdf_attachment(html, f"actions-{context['supplier'].code}.pdf")


def _leaflet_pages() -> dict[str, LeafletPage]:
    return leaflet_pages(contacts_path(), worker_texts_path())


@bp.route("/leaflet")
@requires(Role.VIEWER)
def leaflet() -> Any:
    """Where to pick the languages of the leaflet for workers and download it."""
    escalation = guide().section(_lang(), ESCALATION)
    return render_template("guide/leaflet.html", pages=_leaflet_pages(), escalation=escalation)


def _leaflet_pdf(pages: list[LeafletPage]) -> Response:
    html = render_template("guide/leaflet_print.html", pages=pages)
    return pdf_attachment(html, "leaflet-" + "-".join(p.lang for p in pages) + ".pdf")


@bp.route("/leaflet/<lang>.pdf")
@requires(Role.VIEWER)
def leaflet_pdf(lang: str) -> Any:
    """The leaflet in one language: one A4 page."""
    page = _leaflet_pages().get(lang)
    if page is None:
        abort(404)
    return _leaflet_pdf([page])


@bp.route("/leaflet.pdf")
@requires(Role.VIEWER)
def leaflets_pdf() -> Any:
    """The leaflet in the languages chosen (?lang=lv&lang=ru), one page each, in the page's
    order."""
    pages = _leaflet_pages()
    chosen = set(request.args.getlist("lang"))
    if not chosen <= set(pages):
        abort(404)
    if not chosen:
        flash(_("Choose at least one language."), "error")
        return redirect(url_for("guide.leaflet"))
    return _leaflet_pdf([p for lang, p in pages.items() if lang in chosen])
