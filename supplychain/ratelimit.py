"""Rate limits (Flask-Limiter): one limiter per app, so apps and tests never share counters.

The supplier's token pages are the one place a stranger can try keys; they get a limit per
client address. Sign-up is public and mails the address it is given: it is limited per client
address and per email address named. The API gets a limit per token, so that one runaway
script slows only itself.
Counters live in the app's database by default (`database://`, see ratestore), so that every
server process and app server counts against the same limit; Redis (`redis://...`) is the
alternative. `memory://` counts per process: with N processes a client gets N times its limit.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage

SWEEP_SECONDS = 10.0


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage, with expired counters swept every SWEEP_SECONDS.

    The original sweeps 10 ms after a hit from a new timer thread, so a busy page started a
    thread for nearly every request (about a millisecond of CPU each). A counter is checked
    for expiry whenever it is read, so sweeping only returns memory and can wait.
    """

    STORAGE_SCHEME = ["supplychain-memory"]

    # Replaces MemoryStorage.__schedule_expiry (called on every hit).
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802
        if not self.timer.is_alive():
            self.timer = threading.Timer(SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.daemon = True  # never holds up a worker's exit
            self.timer.start()


def _storage(app: Flask) -> tuple[str, dict[str, Any]]:
    """The storage URI and options for app's counters."""
    storage_uri = app.config["RATELIMIT_STORAGE_URI"]
    database_url = app.config["DATABASE_URL"]
    if storage_uri == "database://" and database_url in ("sqlite://", "sqlite:///:memory:"):
        storage_uri = "memory://"  # a database in memory has one process anyway
    if storage_uri == "memory://":
        return "supplychain-memory://", {}
    if storage_uri == "database://":
        from . import ratestore  # registers the scheme with limits

        return storage_uri, {"engine": ratestore.counter_engine(app.extensions["engine"])}
    return storage_uri, {}


def init_app(app: Flask) -> None:
    storage_uri, storage_options = _storage(app)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=storage_uri,
        storage_options=storage_options,
        # A fixed window and no rate-limit headers: a millisecond less on every supplier page.
        strategy="fixed-window",
        headers_enabled=False,
    )
    from .api.routes import bp as api_bp
    from .respond.routes import bp as respond_bp

    limiter.limit(lambda: current_app.config["RESPOND_RATE_LIMIT"])(respond_bp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_api_key)(api_bp)
    _limit_password_guessing(app, limiter)
    _limit_signups(app, limiter)
    _limit_voice(app, limiter)
    app.extensions["rate_limiter"] = limiter


def _submitted_account() -> str:
    return "account:" + request.form.get("email", "").strip().casefold()[:254]


def _limit_password_guessing(app: Flask, limiter: Limiter) -> None:
    """Throttle the forms that take a password or send a reset link: per client address, and
    per account named (so that guesses spread over many addresses still run into a wall)."""
    per_address = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
        key_func=_submitted_account,
        methods=["POST"],
    )
    for endpoint, limits in (
        ("accounts.login", (per_address, per_account)),
        ("accounts.forgot_password", (per_address, per_account)),
        ("accounts.reset_password", (per_address,)),  # the link's token names the account
        ("accounts.confirm", (per_address,)),  # so does a confirmation link's
    ):
        _wrap(app, endpoint, limits)


def _signup_email() -> str:
    return "signup:" + request.form.get("email", "").strip().casefold()[:254]


def _limit_signups(app: Flask, limiter: Limiter) -> None:
    """Throttle sign-ups per client address, and per email address named: each sign-up mails
    that address, which must not be flooded from many client addresses."""
    per_address = limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
    per_email = limiter.limit(
        lambda: current_app.config["SIGNUP_EMAIL_RATE_LIMIT"],
        key_func=_signup_email,
        methods=["POST"],
    )
    _wrap(app, "accounts.signup", (per_address, per_email))


def _site_code() -> str:
    return str((request.view_args or {}).get("code", ""))[:16]


def _voice_site() -> str:
    return "voice-site:" + _site_code()


def _site_throttled(limit: RequestLimit) -> None:
    # The site, so that its officer can be told; never the worker (those requests carry no
    # address or user agent anyway, see logredact.ForgetClients).
    current_app.logger.warning(
        "workers' forms of site %s throttled: more than %s", _site_code(), limit.limit
    )


def _limit_voice(app: Flask, limiter: Limiter) -> None:
    """Bound how fast the workers' forms of one site add rows: counted per site, since those
    pages know no client address (see logredact.ForgetClients). The tracking page needs none:
    its codes cannot be guessed, and a reply needs one."""
    per_site = limiter.limit(
        lambda: current_app.config["VOICE_RATE_LIMIT"],
        key_func=_voice_site,
        methods=["POST"],
        on_breach=_site_throttled,
    )
    for endpoint in ("voice.check_in", "voice.report"):
        _wrap(app, endpoint, (per_site,))


def _wrap(app: Flask, endpoint: str, limits: tuple[Any, ...]) -> None:
    view = app.view_functions[endpoint]
    for limit in limits:
        view = limit(view)
    # The wrapped view must be the one routed to: it checks the limits itself.
    app.view_functions[endpoint] = view


def _api_key() -> str:
    # The access check has run by now (its before_request is registered first) and set the token;
    # the OpenAPI document, read without one, counts by address.
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else get_remote_address()
