"""The SMTP receiver (aiosmtpd) for self-hosters whose MX forwards the drop addresses here.

Only addresses at INBOUND_DOMAIN are taken; the message goes to inbound_receive in a worker
thread (the ORM is synchronous). Mail that is dropped (not from the address's owner, failed
SPF/DKIM, unknown address) is still answered 250, so that no bounce goes to a forged sender.
"""

import asyncio

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from inbound import services


def _receive(raw: bytes, recipients: list[str]) -> services.Outcome:
    try:
        return services.inbound_receive_bytes(
            raw=raw, channel="smtp", envelope_recipients=recipients
        )
    finally:
        # The executor's threads outlive the message: none keeps a connection open.
        connection.close()


class InboundHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not address.lower().endswith("@" + settings.INBOUND_DOMAIN):
            return "550 5.1.1 Not a drop address of this server"
        if len(envelope.rcpt_tos) >= settings.INBOUND_MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(None, _receive, raw, list(envelope.rcpt_tos))
        if outcome.status == "refused":
            return f"250 2.6.0 Dropped: {outcome.reason}"
        return f"250 2.6.0 {outcome.status.capitalize()}"


def controller(host: str, port: int) -> Controller:
    return Controller(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_MAX_BYTES,
        server_hostname=settings.INBOUND_DOMAIN,
    )
