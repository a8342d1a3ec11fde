"""Sending mail: through SMTP when configured, otherwise as .eml files in the instance folder.

The file fallback lets the demo and local use work with no mail server; the officer can open
the written message (and the link in it) from disk.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from .models import utcnow

DEFAULT_DOMAIN = "supplychain.local"

_SCHEME = re.compile(r"://")
_DOMAIN_DOT = re.compile(r"(?<=[\w-])\.(?=[^\W\d_]{2,})")


def defang(text: str) -> str:
    """A user's text made safe to quote in our mail: no web or mail address in it stays one
    (bank-login.example/x reads bank-login[.]example/x), so mail programs make no link of it.

    Only our own links are followed from our mail; words of an organisation are shown as
    theirs, never as something to click.
    """
    return _DOMAIN_DOT.sub("[.]", _SCHEME.sub("[:]//", text))


def domain_of(mail_from: str) -> str:
    """The domain of a MAIL_FROM address ("Name <a@b.example>" too), for Message-IDs."""
    return parseaddr(mail_from)[1].rpartition("@")[2] or DEFAULT_DOMAIN


def compose(
    config: Mapping[str, Any], *, to: str, subject: str, text: str, html: str | None = None
) -> EmailMessage:
    """Build a message with a plain-text part and, if given, an HTML alternative."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    _set_subject(message, subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=domain_of(config["MAIL_FROM"]))
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """A subject in any language, each of its spaces kept.

    Python 3.11's folder of long non-ASCII headers can fold at the space between two encoded
    words, which the reader then drops ("просит васзаполнить"); the older encoder keeps every
    space inside an encoded word, and a header set raw is written as it is.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        encoded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\n")
        message.set_raw("Subject", encoded)


def deliver(config: Mapping[str, Any], message: EmailMessage) -> None:
    """Send message by SMTP, or write it to MAIL_DIR when no SMTP host is configured."""
    host = config.get("SMTP_HOST")
    if not host:
        _write_file(Path(config["MAIL_DIR"]), message)
        return
    port = int(config.get("SMTP_PORT") or 25)
    context = ssl.create_default_context()
    if config.get("SMTP_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=context, timeout=30)
    else:
        client = smtplib.SMTP(host, port, timeout=30)
    with client:
        if config.get("SMTP_STARTTLS"):
            client.starttls(context=context)
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        client.send_message(message)


def _write_file(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = directory / f"{stamp}.eml"
    path.write_bytes(bytes(message))
    return path
