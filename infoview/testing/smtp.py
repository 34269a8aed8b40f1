"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests about email."""

import asyncio
import email
import email.policy
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from infoview.net import free_port


@dataclass
class Inbox:
    """What the server accepted. ``refuse_with`` makes it answer every DATA with that reply."""

    envelopes: list = field(default_factory=list)
    # Parsed once, on arrival: aiosmtpd inspects the handler's attributes on every connection,
    # so a property that parsed everything each time would slow long tests down.
    messages: list = field(default_factory=list)
    refuse_with: str | None = None
    # Recipients refused at RCPT TO (a bad address): {address: reply}.
    refuse_recipients: dict = field(default_factory=dict)
    # The ambiguous cases: keep the message, then drop the connection before answering, or
    # answer only after this many seconds (past the client's timeout).
    drop_after_data: bool = False
    answer_after: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return self.refuse_recipients[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(parsed)
        if self.drop_after_data:
            server.transport.abort()
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        return "250 Message accepted"


class SMTPTestServer:
    def __init__(self, port: int | None = None):
        self.inbox = Inbox()
        self.port = port or free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SMTPTestServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
