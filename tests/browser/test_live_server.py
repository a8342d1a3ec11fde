"""The test server keeps serving while a connection idles, as Chromium's speculative
connections do: with one thread it waited on that socket and the page's request timed out."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_a_silent_connection_does_not_hold_up_the_page(live_server, page):
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port)):
        page.goto(f"{live_server}/account/login", timeout=5_000)
        assert page.get_by_label("Email").is_visible()
