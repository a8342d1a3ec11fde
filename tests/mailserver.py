"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler that stores every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def links(self, message: EmailMessage) -> list[str]:
        text = message.get_body(preferencelist=("plain",)).get_content()
        return re.findall(r"https?://\S+", text)


def start() -> tuple[Controller, Inbox, int]:
    """Start a server on a free loopback port; return it, its inbox and the port."""
    inbox = Inbox()
    # aiosmtpd's start-up check connects to the configured port, so port 0 cannot be used
    # directly: ask the OS for a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox, port
