"""What `supplychain check` looks for: settings that work on one laptop and break in production.

Pure over the configuration mapping and the planned size of the deployment (app servers,
gunicorn workers per server, worker processes), so every case is tested without a server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# Secrets that are someone's placeholder, never a key.
_PLACEHOLDERS = {"", "secret", "changeme", "change-me", "dev", "development", "test", "bench"}
_DEFAULT_BASE_URL = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    setting: str  # the SUPPLYCHAIN_* variable to change
    message: str


@dataclass(frozen=True)
class Deployment:
    """The planned size: app servers (hosts), gunicorn workers on each, worker processes."""

    servers: int = 1
    web_workers: int = 2
    workers: int = 1


def check(config: Mapping[str, Any], plan: Deployment) -> list[Problem]:
    """Every problem found, errors first."""
    found = [
        *_secret(config, plan),
        *_database(config, plan),
        *_base_url(config),
        *_mail(config),
        *_shared_state(config, plan),
    ]
    return sorted(found, key=lambda p: p.level != "error")


def _secret(config: Mapping[str, Any], plan: Deployment) -> list[Problem]:
    key = str(config.get("SECRET_KEY") or "")
    if key.lower() in _PLACEHOLDERS or len(key) < 32:
        return [
            Problem(
                "error",
                "SUPPLYCHAIN_SECRET_KEY",
                "the secret key is a placeholder or shorter than 32 characters; anyone who "
                "guesses it can forge sessions. Set a random one: "
                "python -c 'import secrets; print(secrets.token_hex(32))'",
            )
        ]
    if config.get("SECRET_KEY_SOURCE") == "instance" and plan.servers > 1:
        return [
            Problem(
                "error",
                "SUPPLYCHAIN_SECRET_KEY",
                "the secret key was generated in this server's instance folder; with "
                f"{plan.servers} app servers each would sign sessions with its own and users "
                "would be signed out at random. Give every server the same key.",
            )
        ]
    return []


def _database(config: Mapping[str, Any], plan: Deployment) -> list[Problem]:
    url = str(config.get("DATABASE_URL") or "")
    if not url.startswith("sqlite"):
        return []
    if plan.servers > 1 or plan.workers > 1:
        return [
            Problem(
                "error",
                "SUPPLYCHAIN_DATABASE_URL",
                f"SQLite is a file on one host, but the plan has {plan.servers} app server(s) "
                f"and {plan.workers} worker(s); use PostgreSQL (see docs/deploy.md).",
            )
        ]
    if plan.web_workers > 4:
        return [
            Problem(
                "warning",
                "SUPPLYCHAIN_DATABASE_URL",
                f"SQLite lets one process write at a time; {plan.web_workers} web workers will "
                "queue behind each other under load. PostgreSQL is the production database.",
            )
        ]
    return []


def _base_url(config: Mapping[str, Any]) -> list[Problem]:
    url = str(config.get("BASE_URL") or "")
    if url in ("", _DEFAULT_BASE_URL) or "://localhost" in url or "://127." in url:
        return [
            Problem(
                "error",
                "SUPPLYCHAIN_BASE_URL",
                f"the public address is {url or 'unset'}; every link mailed to a supplier is "
                "built from it, so suppliers could not open their questionnaires.",
            )
        ]
    if not url.startswith("https://"):
        return [
            Problem(
                "warning",
                "SUPPLYCHAIN_BASE_URL",
                f"{url} is not HTTPS: supplier links and sign-in cookies would cross the "
                "network in clear.",
            )
        ]
    return []


def _mail(config: Mapping[str, Any]) -> list[Problem]:
    if config.get("SMTP_HOST"):
        return []
    return [
        Problem(
            "warning",
            "SUPPLYCHAIN_SMTP_HOST",
            f"no SMTP server: mail is written as files to {config.get('MAIL_DIR')} and never "
            "reaches suppliers.",
        )
    ]


def _shared_state(config: Mapping[str, Any], plan: Deployment) -> list[Problem]:
    found = []
    processes = plan.servers * plan.web_workers
    if processes > 1 and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        found.append(
            Problem(
                "warning",
                "SUPPLYCHAIN_RATELIMIT_STORAGE_URI",
                "rate limits are counted in each process's memory, so a client gets each limit "
                "once per server process. Use database:// (the default) or redis://.",
            )
        )
    if plan.workers > 0 and config.get("JOBS_IN_APP"):
        found.append(
            Problem(
                "warning",
                "SUPPLYCHAIN_JOBS_IN_APP",
                "mail, reminders, risk assessments, imports and reports are also carried out "
                "in the app processes, which then compete with web requests for CPU; set it to "
                "false where `supplychain worker` runs.",
            )
        )
    return found
