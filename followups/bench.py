"""Speed check for follow-up reminders: ``python -m followups.bench`` (part of ``make bench``).

In a throwaway database it makes 100,000 open follow-ups with their reminder rows (5,000 of
them due), prints the EXPLAIN of the due queries, then times delivering the 5,000 due reminders
to a local aiosmtpd through the real delivery path (claim, lock, render, send, mark sent)
beside plain smtplib sending the same 5,000 messages.

The comparison is like for like: the SMTP server runs in a process of its own (sharing no
interpreter lock with either side), and plain smtplib sends from the same number of processes
as the delivery, the same batches, one connection per batch, as the delivery does.
"""

# Django is set up before the project's modules are imported, hence E402 here.
# ruff: noqa: E402

import cProfile
import email
import email.policy
import logging
import multiprocessing
import os
import pstats
import smtplib
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts import services as accounts
from accounts.models import Workspace
from contacts.models import Contact
from followups import reminders, selectors
from followups.models import FollowUp, Reminder
from infoview.celery import app as celery_app
from infoview.net import free_port
from infoview.servertiming import process_cpu_seconds
from infoview.warmup import warm_up

OPEN_FOLLOWUPS = int(os.environ.get("BENCH_OPEN_FOLLOWUPS", "100000"))
DUE = int(os.environ.get("BENCH_DUE", "5000"))
# Delivery processes: 2, like the worker's --concurrency 2 on this two-core machine.
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "2"))


def _deliver_batch(batch):
    """Sent, and the CPU seconds this process's PostgreSQL backend has used so far."""
    sent = reminders.reminders_deliver(reminder_ids=batch)
    pid = connection.connection.get_backend_pid()
    return sent, pid, process_cpu_seconds(pid) or 0.0


def _cpu() -> float:
    """CPU seconds of this process and its children that have ended (the pools' workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        return "\n".join("    " + row[0] for row in cursor.fetchall())


def _populate():
    user = accounts.user_signup(email="bench@example.test", name="Bench User", password="x" * 12)
    workspace = accounts.workspace_create(name="Bench", kind=Workspace.Kind.TEAM, creator=user)
    contacts = Contact.objects.bulk_create(
        Contact(workspace=workspace, first_name=f"Person{i}", emails=[f"p{i}@example.test"])
        for i in range(1000)
    )
    now = timezone.now()
    followups = FollowUp.objects.bulk_create(
        (
            FollowUp(
                workspace=workspace,
                contact=contacts[i % len(contacts)],
                owner=user,
                kind=FollowUp.Kind.THANK_YOU,
                # The first DUE are due now; the rest spread over the coming year.
                due_at=now - timedelta(minutes=1) if i < DUE else now + timedelta(minutes=i),
            )
            for i in range(OPEN_FOLLOWUPS)
        ),
        batch_size=5000,
    )
    Reminder.objects.bulk_create(
        (
            Reminder(
                user=user,
                followup=f,
                kind=Reminder.Kind.THANK_YOU,
                due_at=f.due_at,
                next_attempt_at=f.due_at,
            )
            for f in followups
        ),
        batch_size=5000,
    )
    # VACUUM as well as ANALYZE, as reports.bench does: autovacuum would otherwise come to the
    # freshly filled tables while the reminders are being delivered.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) contacts_contact")
        cursor.execute("VACUUM (ANALYZE) followups_followup")
        cursor.execute("VACUUM (ANALYZE) followups_reminder")
    return user, workspace


class CountingInbox:
    """Keeps the raw messages only (nothing for aiosmtpd to evaluate on each connection)."""

    def __init__(self):
        self.contents = []

    async def handle_DATA(self, server, session, envelope):
        self.contents.append(envelope.content)
        return "250 Message accepted"


def _serve(port, commands):
    """The SMTP server's own process: answers "take" with the messages received so far."""
    inbox = CountingInbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    commands.send("ready")
    try:
        while commands.recv() == "take":
            commands.send(inbox.contents)
            inbox.contents = []
    finally:
        server.stop()


class Inbox:
    """aiosmtpd in a process of its own."""

    def __init__(self, port):
        context = multiprocessing.get_context("fork")
        self.commands, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(port, theirs), daemon=True)
        self.process.start()
        assert self.commands.recv() == "ready"

    def take(self) -> list[bytes]:
        self.commands.send("take")
        return self.commands.recv()

    def stop(self):
        self.commands.send("stop")
        self.process.join(10)


_PORT = None


def _plain_batch(messages) -> int:
    with smtplib.SMTP("127.0.0.1", _PORT) as client:
        for message in messages:
            client.send_message(message)
    return len(messages)


def _plain_smtplib(port, batches):
    """The same messages in the same batches from the same number of processes: seconds, CPU
    seconds of the sending processes, and how many were sent."""
    global _PORT
    _PORT = port
    start, cpu = time.perf_counter(), _cpu()
    if PROCESSES > 1:
        with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
            sent = sum(pool.map(_plain_batch, batches, chunksize=1))
    else:
        sent = sum(_plain_batch(batch) for batch in batches)
    return time.perf_counter() - start, _cpu() - cpu, sent


def main():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    old_name = connection.settings_dict["NAME"]
    # A database of its own, so the bench never touches the test suite's.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    port = free_port()
    inbox = Inbox(port)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    try:
        started = time.perf_counter()
        user, workspace = _populate()
        print(
            f"made {OPEN_FOLLOWUPS:,} open follow-ups and their reminders "
            f"in {time.perf_counter() - started:.1f} s"
        )

        claim = (
            Reminder.objects.filter(state="pending", next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at")
            .values("pk")[:10_000]
        )
        print("\nEXPLAIN ANALYZE of the beat's due-reminder query:")
        print(_explain(*claim.query.sql_with_params()))
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        overdue = selectors.followups_pending(workspace=workspace, owner=user, end=today)[:100]
        print("\nEXPLAIN ANALYZE of the 'overdue' list (first page):")
        print(_explain(*overdue.query.sql_with_params()))

        print(f"\ndelivering {DUE:,} due reminders...", flush=True)
        # As a production worker runs (DEBUG=false): Django then keeps no copy of every query
        # it sends (connection.queries), which the development default would add to each one.
        settings.DEBUG = False
        # What a worker loads at its start, before its pool forks: every app's tasks module
        # (and what they import) and ``worker_init``'s warm-up (``infoview.celery``). The
        # delivery processes below are forked from this one as a worker's are from its own;
        # without this each of them loaded it all on its first batch, which a worker never does.
        celery_app.loader.import_default_modules()
        warm_up()
        profile = None
        if os.environ.get("BENCH_PROFILE"):
            profile = cProfile.Profile()
            profile.enable()
        started, cpu = time.perf_counter(), _cpu()
        ids = reminders.reminders_claim_due()
        batches = list(reminders.batches(ids))
        if PROCESSES > 1:
            # Like a worker started with --concurrency PROCESSES: forked processes, each with
            # its own database connection, taking batches as they come free.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
                done = pool.map(_deliver_batch, batches, chunksize=1)
        else:
            done = [_deliver_batch(batch) for batch in batches]
        infoview_seconds, infoview_cpu = time.perf_counter() - started, _cpu() - cpu
        sent = sum(count for count, _pid, _backend in done)
        # Each backend's CPU as of its process's last batch (the claim's, in this process,
        # is left out: it is the beat's).
        backends: dict[int, float] = {}
        for _count, pid, backend in done:
            backends[pid] = max(backends.get(pid, 0.0), backend)
        database_cpu = sum(backends.values())
        if profile is not None:
            profile.disable()
            order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
            pstats.Stats(profile).sort_stats(order).print_stats(40)
        contents = inbox.take()
        assert sent == DUE == len(contents), (sent, len(contents))
        messages = [
            email.message_from_bytes(content, policy=email.policy.SMTP) for content in contents
        ]

        plain_seconds, plain_cpu, plain_sent = _plain_smtplib(
            port, list(reminders.batches(messages, reminders.BATCH_SIZE))
        )
        assert plain_sent == len(inbox.take()) == len(messages)
        print(
            f"\nInfoview delivered {sent:,} due reminders in {infoview_seconds:.1f} s "
            f"({sent / infoview_seconds:.0f}/s, {PROCESSES} process(es), "
            f"batches of {reminders.BATCH_SIZE}, a connection a batch)"
        )
        print(
            f"plain smtplib sent the same {len(messages):,} messages in {plain_seconds:.1f} s "
            f"({len(messages) / plain_seconds:.0f}/s, {PROCESSES} process(es), the same "
            "batches, a connection a batch)"
        )
        print(
            "CPU per message, which a busy machine moves less than the rates: Infoview "
            f"{1000 * (infoview_cpu + database_cpu) / sent:.2f} ms (its processes "
            f"{1000 * infoview_cpu / sent:.2f}, their PostgreSQL backends "
            f"{1000 * database_cpu / sent:.2f}), plain smtplib {1000 * plain_cpu / plain_sent:.2f} "
            "ms (the SMTP server's, the same for both, not counted)"
        )
        print(
            f"Infoview's rate is {100 * plain_seconds / infoview_seconds:.0f} % of plain "
            f"smtplib's (target: at least 80 %); load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs"
        )
        return 0 if infoview_seconds < 60 else 1
    finally:
        inbox.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
