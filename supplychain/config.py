"""Configuration: safe local defaults, then the instance folder, then SUPPLYCHAIN_* variables."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .resources import resource_dir
from .vocab import LANGUAGES, SUPPLIER_LANGUAGES

ENV_PREFIX = "SUPPLYCHAIN"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "BASE_URL": "http://127.0.0.1:5000",
    "SMTP_HOST": None,  # None: mail is written as .eml files to the instance folder
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "SMTP_SSL": False,
    "MAIL_FROM": "supplychain@localhost",
    "MAIL_DIR": None,  # None: <instance>/mail
    "LANGUAGES": LANGUAGES,  # the officer's pages
    "SUPPLIER_LANGUAGES": SUPPLIER_LANGUAGES,  # the supplier's pages and mails
    "BABEL_DEFAULT_LOCALE": "en",
    # The organisation's time zone (an IANA name): times are shown in it, labelled with it
    # (they are stored in UTC).
    "TIMEZONE": "Europe/Riga",
    # Our forms pass every message themselves (WTForms has no Latvian catalogue), so Flask-WTF
    # need not look up WTForms' own translations on each request.
    "WTF_I18N_ENABLED": False,
    "PASSWORD_RESET_HOURS": 2,
    "USER_INVITATION_DAYS": 7,
    "EMAIL_CONFIRMATION_HOURS": 48,  # how long a sign-up's confirmation link works
    # A sign-up whose address is not confirmed within these days is deleted, with its
    # organisation, by the worker (once a day).
    "UNCONFIRMED_SIGNUP_DAYS": 7,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers are believed
    "QUESTIONNAIRES_DIR": None,  # None: the questionnaires/ folder shipped with the code
    # database:// counts in the app's database (shared by all its processes); or redis://host:6379
    "RATELIMIT_STORAGE_URI": "database://",
    "RESPOND_RATE_LIMIT": "120 per minute",  # per client address, on the supplier's link pages
    "LOGIN_RATE_LIMIT": "10 per minute",  # password and reset forms, per client address
    "LOGIN_ACCOUNT_RATE_LIMIT": "30 per hour",  # the same forms, per account named
    "API_RATE_LIMIT": "300 per minute",  # per API token
    # Check-ins and reports sent from one site's workers' pages, counted per site (never per
    # address: those pages keep none).
    "VOICE_RATE_LIMIT": "120 per hour",
    "VOICE_ACKNOWLEDGE_DAYS": 7,  # a worker's report is to be acknowledged within these days
    # The largest photo a worker may send with a report (it is kept re-encoded, far smaller).
    "VOICE_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    "SIGNUP_RATE_LIMIT": "10 per hour",  # sign-ups per client address
    "SIGNUP_EMAIL_RATE_LIMIT": "3 per hour",  # sign-ups naming one email address (each mails it)
    # An organisation is new until NEW_ORG_DAYS after its admin's address was confirmed; while
    # new, it sends at most this many mails a day (UTC) to suppliers and invited colleagues.
    # The rest wait in the outbox for the next day.
    "NEW_ORG_DAILY_MAIL_LIMIT": 50,
    "NEW_ORG_DAYS": 14,
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # What the documents of one response may hold in all: a link is open to anyone who has it.
    "RESPONSE_UPLOAD_MAX_FILES": 20,
    "RESPONSE_UPLOAD_MAX_BYTES": 50 * 1024 * 1024,
    "UPLOAD_DIR": None,  # None: <instance>/uploads (never inside static/)
    "REPORT_DIR": None,  # None: <instance>/reports (archived PDFs, never inside static/)
    "JOBS_IN_APP": True,  # do the worker's job (mail, assessments...) in the app processes too
    "OUTBOX_RETRY_SECONDS": 30,
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_LEASE_SECONDS": 300,
    "OUTBOX_BATCH": 50,
    # A sending to more suppliers than this is carried out by the worker, SEND_BATCH at a time.
    "SEND_INLINE_SUPPLIERS": 200,
    "SEND_BATCH": 200,
    "WORKER_INTERVAL_SECONDS": 10,
    "RISK_INLINE_SUPPLIERS": 20000,  # "Assess now" runs at once up to this size, else in the worker
    "GUIDE_CONTACTS": None,  # None: the contacts shipped with the guide
    # Workers' reports closed longer than this are deleted (by the worker once a day, and by
    # `supplychain cases purge`).
    "VOICE_RETENTION_MONTHS": 24,
    # The supplier list calls a supplier's answers out of date when its newest submitted
    # response answered an older version of the questionnaire or is older than this.
    "ANSWERS_OUT_OF_DATE_MONTHS": 12,
    # The folder of the workers' texts, one <lang>.yaml per language, which must describe the
    # contacts marked `workers: true` (None: the shipped supplychain/data/workers).
    "WORKER_TEXTS": None,
    # The labour cost file whose figures' ages the status page and `reference check` report
    # (None: the shipped supplychain/data/labour_costs.yaml, which the risk rules read).
}

# Keys read from the environment with the SUPPLYCHAIN_ prefix, and how to parse them.
_ENV_KEYS: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "BASE_URL": str,
    "SMTP_HOST": str,
    "SMTP_PORT": int,
    "SMTP_USERNAME": str,
    "SMTP_PASSWORD": str,
    "SMTP_STARTTLS": bool,
    "SMTP_SSL": bool,
    "MAIL_FROM": str,
    "MAIL_DIR": str,
    "SESSION_COOKIE_SECURE": bool,
    "TRUSTED_PROXIES": int,
    "QUESTIONNAIRES_DIR": str,
    "RATELIMIT_STORAGE_URI": str,
    "RESPOND_RATE_LIMIT": str,
    "LOGIN_RATE_LIMIT": str,
    "LOGIN_ACCOUNT_RATE_LIMIT": str,
    "API_RATE_LIMIT": str,
    "VOICE_RATE_LIMIT": str,
    "VOICE_ACKNOWLEDGE_DAYS": int,
    "VOICE_PHOTO_MAX_BYTES": int,
    "SIGNUP_RATE_LIMIT": str,
    "SIGNUP_EMAIL_RATE_LIMIT": str,
    "EMAIL_CONFIRMATION_HOURS": int,
    "UNCONFIRMED_SIGNUP_DAYS": int,
    "NEW_ORG_DAILY_MAIL_LIMIT": int,
    "NEW_ORG_DAYS": int,
    "UPLOAD_MAX_BYTES": int,
    "RESPONSE_UPLOAD_MAX_FILES": int,
    "RESPONSE_UPLOAD_MAX_BYTES": int,
    "UPLOAD_DIR": str,
    "REPORT_DIR": str,
    "JOBS_IN_APP": bool,
    "OUTBOX_RETRY_SECONDS": int,
    "OUTBOX_MAX_ATTEMPTS": int,
    "OUTBOX_LEASE_SECONDS": int,
    "OUTBOX_BATCH": int,
    "SEND_INLINE_SUPPLIERS": int,
    "SEND_BATCH": int,
    "WORKER_INTERVAL_SECONDS": int,
    "RISK_INLINE_SUPPLIERS": int,
    "GUIDE_CONTACTS": str,
    "VOICE_RETENTION_MONTHS": int,
    "ANSWERS_OUT_OF_DATE_MONTHS": int,
    "WORKER_TEXTS": str,
    "TIMEZONE": str,
}


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


# Former names still read, so that a deployment's settings keep their meaning.
_FORMER_NAMES = {"JOBS_IN_APP": "REPORTS_IN_APP"}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the settings given as SUPPLYCHAIN_<KEY> variables, parsed to their types."""
    found = {}
    for key, kind in _ENV_KEYS.items():
        raw = environ.get(f"{ENV_PREFIX}_{key}") or environ.get(
            f"{ENV_PREFIX}_{_FORMER_NAMES.get(key, key)}"
        )
        if raw:
            found[key] = _parse(kind, raw)
    return found


def instance_secret_key(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it on first use.

    A generated key survives restarts (sessions stay valid) and is never in the code.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Load settings in order: defaults, instance/config.py, environment, overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'supplychain.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
        app.config["SECRET_KEY_SOURCE"] = "instance"  # noqa: S105 (where it came from)
    if not app.config.get("QUESTIONNAIRES_DIR"):
        app.config["QUESTIONNAIRES_DIR"] = str(
            resource_dir("questionnaires", "questionnaires_data")
        )
    if not app.config.get("MAIL_DIR"):
        app.config["MAIL_DIR"] = str(instance / "mail")
    app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")
    if app.config["BASE_URL"].startswith("https://"):
        # Served over HTTPS: cookies must never travel in clear.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
