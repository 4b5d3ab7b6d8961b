"""A real SMTP server on loopback for the tests (aiosmtpd), collecting what it receives."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Messages the test server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._arrived:
            self.messages.append(msg)
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        """Wait until `count` messages arrived (mail goes out on a background thread)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived")
                self._arrived.wait(left)
        return list(self.messages)

    def settle(self, seconds: float = 0.5) -> list[EmailMessage]:
        """Give stragglers a moment, then return everything received."""
        time.sleep(seconds)
        return list(self.messages)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """Start an SMTP server on 127.0.0.1 and point the app's mail settings at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_DEFAULT_SENDER="Arbeidsgiverpool <ikke-svar@test.no>",
    )
    try:
        yield inbox
    finally:
        controller.stop()


def body(msg: EmailMessage) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()
