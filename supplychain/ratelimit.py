"""Rate limits (Flask-Limiter): one limiter per app, so apps and tests never share counters.

The supplier's token pages are the one place a stranger can try keys; they get a limit per
client address. Counters live in memory, or in Redis when RATELIMIT_STORAGE_URI names it, so
that several app servers share them.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def init_app(app: Flask) -> None:
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        # A fixed window and no rate-limit headers: a millisecond less on every supplier page.
        strategy="fixed-window",
        headers_enabled=False,
    )
    from .respond import bp as respond_bp

    limiter.limit(lambda: current_app.config["RESPOND_RATE_LIMIT"])(respond_bp)
    app.extensions["rate_limiter"] = limiter
