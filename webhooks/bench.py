"""Speed check for webhooks: ``python -m webhooks.bench`` (part of ``make bench``).

In a throwaway database it records 1,000 ``contact.created`` events through the real services
(each contact made by ``contact_create``, its outbox row written by the signal receiver), then
times delivering them to a local HTTP receiver through the real path (claim, lock, sign, post,
record the answer) with two processes, like a worker started with ``--concurrency 2``. Every
message the receiver got is then verified with ``standardwebhooks``. Target: under 30 s.
"""

# ruff: noqa: E402  (Django is set up before the models are imported)

import logging
import multiprocessing
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts import services as accounts
from accounts.models import Workspace
from contacts.services import contact_create
from webhooks import delivery, services
from webhooks.models import Delivery
from webhooks.tests.receiver import Receiver

EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "1000"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))
TARGET_SECONDS = 30


def _deliver_batch(batch):
    return delivery.deliveries_deliver(delivery_ids=batch)


def main() -> int:
    logging.getLogger("webhooks").setLevel(logging.WARNING)

    # The receiver listens on 127.0.0.1 over plain HTTP, which production refuses.
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_webhooks_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    receiver = Receiver().start()
    try:
        user = accounts.user_signup(
            email="bench@example.test", name="Bench User", password="x" * 12
        )
        workspace = accounts.workspace_create(name="Bench", kind=Workspace.Kind.TEAM, creator=user)
        endpoint = services.endpoint_create(
            workspace=workspace, url=receiver.url(), events=["contact.created"], by=user
        )
        started = time.perf_counter()
        for number in range(EVENTS):
            contact_create(
                workspace=workspace,
                owner=user,
                first_name=f"Person{number}",
                emails=[f"p{number}@example.test"],
            )
        recorded = time.perf_counter() - started
        assert Delivery.objects.count() == EVENTS
        print(f"recorded {EVENTS:,} events (contact_create + outbox row) in {recorded:.1f} s")

        print(f"delivering {EVENTS:,} webhooks to a local receiver...", flush=True)
        started = time.perf_counter()
        # The rows wait one lease for the task queued at commit; the beat's view is later.
        ids = delivery.deliveries_claim_due(now=timezone.now() + delivery.LEASE)
        batches = list(delivery.batches(ids))
        if PROCESSES > 1:
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
                delivered = sum(pool.map(_deliver_batch, batches, chunksize=1))
        else:
            delivered = sum(_deliver_batch(batch) for batch in batches)
        seconds = time.perf_counter() - started
        assert delivered == EVENTS == len(receiver.requests), (delivered, len(receiver.requests))
        assert not Delivery.objects.exclude(state=Delivery.State.DELIVERED).exists()

        webhook = Webhook(endpoint.secret)
        ids_seen = set()
        # verify() accepts timestamps within 5 minutes of now; the run takes less.
        for request in receiver.requests:
            webhook.verify(request.body, request.headers)
            ids_seen.add(request.headers["webhook-id"])
        assert len(ids_seen) == EVENTS, "each event once"
        print(
            f"\nInfoview delivered {delivered:,} webhooks in {seconds:.1f} s "
            f"({delivered / seconds:.0f}/s, {PROCESSES} process(es), batches of "
            f"{delivery.BATCH_SIZE}); every signature verified with standardwebhooks "
            f"(target < {TARGET_SECONDS} s)"
        )
        return 0 if seconds < TARGET_SECONDS else 1
    finally:
        receiver.stop()
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
