"""Keep secret link tokens out of every log line: access logs, Werkzeug's and our own.

A supplier's link (`/r/<token>`), a password-reset link and an account invitation are each a
key on their own: whoever reads one in a log can answer for the supplier or take the account.
Servers log the request line and the Referer (which repeats the path of the page a stylesheet
was loaded from), and Flask logs the path of a request that failed. A filter on those loggers
replaces the token segment of such paths, and the value of token-like query parameters, with a
placeholder before anything is written.

The token routes are read from the app's URL map, so a new `<token>` route is covered by itself.

The workers' pages (views marked `@anonymous`) go further: their parameters are masked like
tokens, and before the app or the server sees such a request, the headers that tell who or
where its client is (address, user agent, Referer, forwarding headers, cookies) are taken out of
it, so that no log line, counter or row can hold them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask

PLACEHOLDER = "[redacted]"
# Query parameters that carry secrets by convention; none of ours does today.
SECRET_PARAMETERS = ("token", "access_token", "key", "api_key", "secret", "password")
# gunicorn's access and error logs, Werkzeug's development server.
SERVER_LOGGERS = ("gunicorn.access", "gunicorn.error", "werkzeug")
# What a request tells of its client; REMOTE_ADDR is replaced, since servers read it unchecked.
IDENTIFYING = (
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_COOKIE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
)
NO_ADDRESS = "-"

F = TypeVar("F", bound=Callable[..., Any])


def anonymous(view: F) -> F:
    """Mark a view whose callers must stay unknown (see the module's docstring)."""
    view.anonymous = True  # type: ignore[attr-defined]
    return view


class TokenRedactor:
    """Replace the token segment of token paths, and secret query values, in any text."""

    def __init__(self, token_prefixes: Iterable[str], fixed_segments: Iterable[str] = ()) -> None:
        prefixes = "|".join(
            re.escape(p) for p in sorted(set(token_prefixes), key=len, reverse=True)
        )
        # A fixed route beside a token route (/r/answer beside /r/<token>) is not a token.
        fixed = "".join(f"(?!{re.escape(s)}(?:[/?#\\s\"']|$))" for s in sorted(set(fixed_segments)))
        # Wherever the prefix stands (a request line, a Referer, under a mount point): a path
        # that merely ends like one is masked too, which costs nothing.
        self._path = re.compile(rf"({prefixes}){fixed}[^/?#\s\"']+" if prefixes else r"(?!x)x")
        names = "|".join(SECRET_PARAMETERS)
        self._query = re.compile(rf"([?&;](?:{names})=)[^&;#\s\"']+", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        text = self._path.sub(rf"\1{PLACEHOLDER}", text)
        return self._query.sub(rf"\1{PLACEHOLDER}", text)


def _anonymous_rules(app: Flask) -> list[str]:
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions.get(rule.endpoint), "anonymous", False)
    ]


def redactor_for(app: Flask) -> TokenRedactor:
    """A redactor for the token routes of app (every rule with a `<token>` part) and the
    parameters of its anonymous routes."""
    prefixes = set()
    for rule in app.url_map.iter_rules():
        if "token" in rule.arguments:
            prefixes.add(rule.rule.split("<token>", 1)[0])
    prefixes |= {rule.split("<", 1)[0] for rule in _anonymous_rules(app) if "<" in rule}
    fixed = set()
    for rule in app.url_map.iter_rules():
        for prefix in prefixes:
            rest = rule.rule.removeprefix(prefix)
            if rest != rule.rule and not rest.startswith("<"):
                fixed.add(re.split(r"[/<.]", rest, maxsplit=1)[0])
    return TokenRedactor(prefixes, fixed)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message through a TokenRedactor."""

    def __init__(self, redact: TokenRedactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class ForgetClients:
    """WSGI middleware: requests under the anonymous routes' prefixes lose what tells of
    their client before anything else reads them (ProxyFix included)."""

    def __init__(self, wsgi_app: Any, prefixes: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.prefixes = tuple(prefixes)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.prefixes and environ.get("PATH_INFO", "").startswith(self.prefixes):
            for key in IDENTIFYING:
                environ.pop(key, None)
            environ["REMOTE_ADDR"] = NO_ADDRESS
            environ.pop("REMOTE_PORT", None)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Install the filter on the server loggers and the app's logger (after the blueprints).

    Filters on a logger outlive gunicorn's log set-up, which replaces handlers only. The last app
    built installs its filter in place of an earlier one, so tests do not pile filters up.
    """
    log_filter = RedactingFilter(redactor_for(app))
    for logger in [*map(logging.getLogger, SERVER_LOGGERS), app.logger]:
        for old in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(old)
        logger.addFilter(log_filter)
    prefixes = {rule.split("<", 1)[0] for rule in _anonymous_rules(app)}
    app.wsgi_app = ForgetClients(app.wsgi_app, sorted(prefixes))  # type: ignore[method-assign]
