"""Speed check for inbound mail: ``python -m inbound.bench`` (part of ``make bench``).

In a throwaway database: one team workspace with 2,000 contacts, then 1,000 messages to a drop
address (each to one to three contacts, some with an address that is no contact, some
duplicates, some forged), first through the service, then the same number again through the
real SMTP receiver (aiosmtpd), over four client connections at once as a sending MX does
(Postfix opens up to 20 to one destination; ``BENCH_INBOUND_CONNECTIONS`` changes it). The
time runs until the last message is answered: the receiver answers after logging it. Target:
1,000 messages under 30 s.
"""

# ruff: noqa: E402  (Django is set up before the models are imported)

import email.policy
import logging
import os
import random
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

from django.db import connection

from accounts import services as accounts
from accounts.models import Workspace
from contacts.models import Contact
from inbound import services
from inbound.models import InboundMessage, Refusal
from inbound.smtp import controller
from infoview.net import free_port

MESSAGES = int(os.environ.get("BENCH_INBOUND_MESSAGES", "1000"))
CONNECTIONS = int(os.environ.get("BENCH_INBOUND_CONNECTIONS", "4"))
CONTACTS = 2000


def _populate():
    user = accounts.user_signup(
        email="bench-inbound@bench.infoview.test", name="Bench Inbound", password="x" * 16
    )
    workspace = accounts.workspace_create(
        name="Inbound bench", kind=Workspace.Kind.TEAM, creator=user
    )
    Contact.objects.bulk_create(
        Contact(
            workspace=workspace,
            owner=user,
            first_name=f"Person{n}",
            emails=[f"person{n}@example.test"],
            cadence_days=90,
        )
        for n in range(CONTACTS)
    )
    return user, services.drop_address_rotate(user=user, workspace=workspace)


def _messages(user, drop, count: int, seed: int) -> list[bytes]:
    rng, start = random.Random(seed), datetime(2026, 11, 1, tzinfo=UTC)
    made = []
    for n in range(count):
        message = EmailMessage()
        forged = n % 20 == 19
        message["From"] = "mallory@example.test" if forged else user.email
        people = [f"person{rng.randrange(CONTACTS)}@example.test" for _ in range(rng.randint(1, 3))]
        if n % 5 == 0:
            people.append(f"stranger{n % 37}@example.test")
        message["To"] = ", ".join(people)
        message["Subject"] = f"Following up #{n}"
        message["Date"] = format_datetime(start + timedelta(minutes=n))
        # Every tenth message is sent twice: the second is a duplicate.
        message["Message-ID"] = f"<bench-{seed}-{n - (n % 10 == 9)}@example.test>"
        message.set_content("Thanks for the conversation.\n\n" + "Some words. Some more.\n" * 100)
        made.append(message.as_bytes(policy=email.policy.SMTP))
    return made


def main():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_inbound_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        user, drop = _populate()

        messages = _messages(user, drop, MESSAGES, seed=1)
        started = time.perf_counter()
        outcomes = [
            services.inbound_receive_bytes(
                raw=raw, channel="bench", envelope_recipients=[drop.address]
            ).status
            for raw in messages
        ]
        service_seconds = time.perf_counter() - started
        counts = {status: outcomes.count(status) for status in sorted(set(outcomes))}
        print(
            f"service: {MESSAGES:,} messages in {service_seconds:.1f} s "
            f"({service_seconds / MESSAGES * 1000:.1f} ms each): {counts}"
        )

        server = controller("127.0.0.1", free_port())
        server.start()
        messages = _messages(user, drop, MESSAGES, seed=2)
        try:

            def send(share: list[bytes]) -> None:
                with smtplib.SMTP(server.hostname, server.port, timeout=60) as client:
                    for raw in share:
                        client.sendmail(user.email, [drop.address], raw)

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
                shares = [messages[n::CONNECTIONS] for n in range(CONNECTIONS)]
                for done in [pool.submit(send, share) for share in shares]:
                    done.result()
            smtp_seconds = time.perf_counter() - started
        finally:
            server.stop()
        print(
            f"SMTP receiver, {CONNECTIONS} connections: {MESSAGES:,} messages in "
            f"{smtp_seconds:.1f} s "
            f"({smtp_seconds / MESSAGES * 1000:.1f} ms each)"
        )
        print(
            f"logged {InboundMessage.objects.count():,}, "
            f"dropped {Refusal.objects.count():,} (forged senders)"
        )
        # The target is the receiver's: mail reaches Infoview by SMTP (or a webhook each), the
        # service line above is one process calling it in a loop, for the cost of one message.
        verdict = "PASS" if smtp_seconds < 30 * MESSAGES / 1000 else "FAIL"
        print(f"target: 1,000 messages through the SMTP receiver < 30 s: {verdict}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
