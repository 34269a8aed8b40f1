"""The SMTP receiver (aiosmtpd) for self-hosters whose MX forwards the drop addresses here.

Only addresses at INBOUND_DOMAIN are taken; the message goes to inbound_receive in one of a few
worker threads of the receiver's own (the ORM is synchronous). Each thread keeps its database
connection from one message to the next (a new connection per message cost more than the
message), closed like a web request's: past DATABASE_CONN_MAX_AGE or after an error.

Mail that is dropped (not from the address's owner, failed SPF/DKIM, unknown address) is still
answered 250, so that no bounce goes to a forged sender.
"""

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor, wait

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connections

from inbound import services

THREADS = 4


def _receive(raw: bytes, recipients: list[str]) -> services.Outcome:
    # As at the start of a web request: a connection too old, or broken by the last message,
    # is closed here and a new one opened by the first query.
    close_old_connections()
    return services.inbound_receive_bytes(raw=raw, channel="smtp", envelope_recipients=recipients)


class InboundHandler:
    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="inbound")

    def close(self) -> None:
        """Close each worker thread's database connection, then the threads."""
        # The barrier holds each task until all are running: one in every thread.
        barrier = threading.Barrier(THREADS)

        def close_here() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            connections.close_all()

        wait([self.executor.submit(close_here) for _ in range(THREADS)], timeout=10)
        self.executor.shutdown(wait=True)

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
        outcome = await loop.run_in_executor(self.executor, _receive, raw, list(envelope.rcpt_tos))
        if outcome.status == "refused":
            return f"250 2.6.0 Dropped: {outcome.reason}"
        return f"250 2.6.0 {outcome.status.capitalize()}"


class InboundController(Controller):
    def stop(self, *args, **kwargs) -> None:
        super().stop(*args, **kwargs)
        self.handler.close()


def controller(host: str, port: int) -> Controller:
    return InboundController(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_MAX_BYTES,
        server_hostname=settings.INBOUND_DOMAIN,
    )
