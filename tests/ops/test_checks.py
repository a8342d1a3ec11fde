"""The deployment checks (ops.checks) that `supplychain check` prints: what an operator must fix
(errors) or should know (warnings) about a configuration, for a planned deployment."""

from __future__ import annotations

import secrets

import pytest

from supplychain.ops.checks import Deployment, check

GOOD = {
    "SECRET_KEY": secrets.token_hex(32),
    "DATABASE_URL": "postgresql://app@db.internal/supplychain",
    "BASE_URL": "https://supplychain.example.com",
    "SMTP_HOST": "smtp.example.com",
    "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379",
    "JOBS_IN_APP": False,
}


BIG = Deployment(servers=2, web_workers=4, workers=2)


def settings(plan: Deployment = BIG, **changes):
    return {(p.setting, p.level) for p in check({**GOOD, **changes}, plan)}


def test_a_production_configuration_has_no_problems():
    assert settings() == set()


@pytest.mark.parametrize("key", ["", "secret", "change-me", "short-but-not-a-placeholder"])
def test_placeholder_or_short_secrets_are_errors(key):
    assert ("SUPPLYCHAIN_SECRET_KEY", "error") in settings(SECRET_KEY=key)


def test_a_generated_secret_is_an_error_only_with_several_servers():
    generated = {"SECRET_KEY_SOURCE": "instance"}
    assert ("SUPPLYCHAIN_SECRET_KEY", "error") in settings(**generated)
    assert settings(Deployment(servers=1, web_workers=4, workers=2), **generated) == set()


def test_sqlite_is_an_error_with_several_workers_and_a_warning_with_many_web_workers():
    sqlite = {"DATABASE_URL": "sqlite:////srv/supplychain.db"}
    assert ("SUPPLYCHAIN_DATABASE_URL", "error") in settings(**sqlite)
    one_host = settings(Deployment(servers=1, web_workers=8, workers=1), **sqlite)
    assert ("SUPPLYCHAIN_DATABASE_URL", "warning") in one_host
    assert settings(Deployment(servers=1, web_workers=2, workers=1), **sqlite) == set()


@pytest.mark.parametrize(
    ("url", "level"),
    [
        ("http://127.0.0.1:5000", "error"),
        ("", "error"),
        ("http://localhost:8000", "error"),
        ("http://supplychain.example.com", "warning"),
    ],
)
def test_a_missing_local_or_plain_http_base_url(url, level):
    assert settings(BASE_URL=url) == {("SUPPLYCHAIN_BASE_URL", level)}


def test_mail_rate_limits_and_in_app_reports_are_warnings():
    found = settings(SMTP_HOST=None, RATELIMIT_STORAGE_URI="memory://", JOBS_IN_APP=True)
    assert found == {
        ("SUPPLYCHAIN_SMTP_HOST", "warning"),
        ("SUPPLYCHAIN_RATELIMIT_STORAGE_URI", "warning"),
        ("SUPPLYCHAIN_JOBS_IN_APP", "warning"),
    }
