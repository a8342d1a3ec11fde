"""supplychain: due diligence against labour exploitation in subcontracting chains.

This module holds the app factory alone, and imports Flask only when it is called: importing
the pure core (supplychain.chain.graph, supplychain.risk.engine, ...) must not load the web
stack.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .resources import resource_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, extensions, blueprints, CLI."""
    from flask import Flask

    from . import access, db, errors, extensions, forms, i18n, jobs, logredact, ratelimit, security
    from .config import configure
    from .numbers import RowIdConverter
    from .worker import next_due, run_once

    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=os.environ.get("SUPPLYCHAIN_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    configure(app, config)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    db.init_app(app)
    jobs.init_app(app, run_once, next_due)  # first hook: every request counts as a page view
    extensions.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    access.init_app(app)
    errors.init_app(app)
    app.url_map.converters["int"] = RowIdConverter  # before the rules that use it
    forms.init_app(app)
    _register_blueprints(app)
    _add_chain_panels(app)
    _connect_events()
    ratelimit.init_app(app)
    logredact.init_app(app)  # reads the token routes from the URL map
    return app


def _connect_events() -> None:
    """The features' receivers of the signals lower features send (see events). blinker keeps a
    receiver once however often it is connected, so a second app adds nothing."""
    from .events import supplier_data_changed, suppliers_touched
    from .risk.services import mark_after_change, queue_after_change

    supplier_data_changed.connect(queue_after_change)
    suppliers_touched.connect(mark_after_change)


def _add_chain_panels(app: Flask) -> None:
    """What the chain's pages, and a site's, show of the features above them (see chain.panels
    and sites.routes)."""
    from .cases.results import site_panel
    from .chain.panels import MAP, SUPPLIER, add, add_column
    from .invitations import list_columns as invitation_columns
    from .invitations import panels as invitations
    from .risk import list_columns as risk_columns
    from .risk import panels as risk
    from .screening import list_columns as screening_columns
    from .screening import panels as screening
    from .sites.services import sites_of

    add(app, SUPPLIER, "questionnaires", invitations.questionnaires_of)
    add(app, SUPPLIER, "screening", screening.screening_glance)
    add(app, SUPPLIER, "risk", risk.supplier_risk)
    add(app, SUPPLIER, "sites", sites_of)
    add(app, MAP, "statuses", invitations.map_statuses)
    for column in (*risk_columns.COLUMNS, invitation_columns.COLUMN, screening_columns.COLUMN):
        add_column(app, column)  # the supplier list's columns, in this order
    app.extensions.setdefault("site_panels", {})["checkins"] = site_panel


def _register_blueprints(app: Flask) -> None:
    from .accounts.routes import bp as accounts_bp
    from .api.routes import bp as api_bp
    from .cases.routes import bp as cases_bp
    from .chain.routes import bp as chain_bp
    from .dashboard.routes import bp as dashboard_bp
    from .guide.routes import bp as guide_bp
    from .invitations.routes import bp as invitations_bp
    from .questionnaires.routes import bp as questionnaires_bp
    from .reports.routes import bp as reports_bp
    from .respond.routes import bp as respond_bp
    from .risk.routes import bp as risk_bp
    from .screening.routes import bp as screening_bp
    from .sites.routes import bp as sites_bp
    from .voice.routes import bp as voice_bp

    app.register_blueprint(dashboard_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(chain_bp, url_prefix="/chain")
    app.register_blueprint(questionnaires_bp, url_prefix="/questionnaires")
    app.register_blueprint(invitations_bp, url_prefix="/invitations")
    app.register_blueprint(respond_bp, url_prefix="/r")
    app.register_blueprint(risk_bp, url_prefix="/risk")
    app.register_blueprint(guide_bp, url_prefix="/guide")
    app.register_blueprint(screening_bp, url_prefix="/screening")
    app.register_blueprint(sites_bp, url_prefix="/sites")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(voice_bp)  # the workers' /w/ pages and the sites' posters
