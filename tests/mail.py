"""A real SMTP server on loopback (aiosmtpd) for the tests that send mail: reminders and
notifications. `serving()` starts it on a free port and gives the sink and settings pointing at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from liaison.core.settings import Settings, get_settings


class Sink:
    """What the SMTP server on loopback received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def serving(**settings: Any) -> Iterator[tuple[Sink, Settings]]:
    """The server running, and the app's settings sending to it (with any other `settings`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield (
            sink,
            get_settings().model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, **settings}),
        )
    finally:
        controller.stop()
