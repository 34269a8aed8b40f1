"""Failure tests against real Redis, a real Celery worker process and a real SMTP server.

Each reminder's Message-ID is derived from its row, so the inbox tells how many distinct
reminders arrived and how many arrived twice.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import OutgoingMessage
from accounts.outbox import delivery
from followups import services
from followups.models import FollowUp, Reminder
from followups.tests.factories import ContactFactory
from followups.tests.realservices import Beat, SMTPServer, Worker, wait_for
from infoview.testing.services import RedisServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis, smtp, tmp_path, transactional_db):
    process = Worker(redis.url, smtp.port, tmp_path)
    yield process
    process.stop()


@pytest.fixture
def beat(redis, monkeypatch, settings):
    settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS = 1
    # Celery prefers the CELERY_BROKER_URL environment variable (set in CI to the machine's
    # Redis) over the broker an app is given: without this, the test would queue its tasks
    # where the worker under test never looks.
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    player = Beat(redis.url)
    yield player
    player.close()


def _due_reminders(alice, workspace, count) -> list[int]:
    contact = ContactFactory(workspace=workspace, owner=alice)
    past = timezone.now() - timedelta(minutes=1)
    for _ in range(count):
        services.followup_create(
            workspace=workspace,
            contact=contact,
            owner=alice,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=past,
        )
    return list(Reminder.objects.filter(state="pending").values_list("pk", flat=True))


def _sent():
    return OutgoingMessage.objects.filter(kind="reminder", state="sent").count()


def _logs():
    return OutgoingMessage.objects.filter(attempts__gte=1).values_list("log", flat=True)


def _until_all_sent(beat, total, timeout=60):
    """Tick the beat each second (as the real one does each minute) until every row is sent."""

    def done():
        beat.tick()
        return _sent() == total

    wait_for(done, timeout=timeout, interval=1.0, message=f"{total} reminders sent")


def test_the_same_reminder_dispatched_five_times_at_once_sends_one_email(
    alice, workspace_a, redis, smtp, worker, beat
):
    [reminder_id] = _due_reminders(alice, workspace_a, 1)
    smtp.inbox.delay = 0.3  # keep the first delivery in flight while the others arrive
    worker.start()

    for _ in range(5):
        beat.app.send_task("followups.tasks.reminders_deliver", args=[[reminder_id]])

    wait_for(lambda: _sent() == 1, timeout=20, message="the reminder sent")
    time.sleep(2)  # let the four other tasks run to completion
    assert len(smtp.inbox.messages) == 1


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_at_most_one(
    alice, workspace_a, redis, smtp, worker, beat
):
    total = 40
    _due_reminders(alice, workspace_a, total)
    smtp.inbox.delay = 0.1
    worker.start()

    beat.tick()
    wait_for(lambda: len(smtp.inbox.messages) >= 8, timeout=30, message="a batch under way")
    worker.kill()
    assert _sent() < total, "the kill came too late to test anything"
    worker.start()
    _until_all_sent(beat, total)

    counts = smtp.inbox.counts()
    duplicates = sum(n - 1 for n in counts.values())
    assert len(counts) == total
    # Only a row killed between DATA and the record is ambiguous: marked so, resent once.
    # At most one per worker process (concurrency 2) was in that window, so at most two
    # copies; with it, the rows its group marked ahead whose text had not left yet, also
    # resent once (they arrive once): at most MARK_GROUP rows per process in all.
    unknown = OutgoingMessage.objects.filter(resent=True).count()
    assert duplicates <= min(unknown, 2), counts
    assert unknown <= 2 * delivery.MARK_GROUP, counts


def test_redis_restarted_and_the_database_connection_dropped_during_dispatch(
    alice, workspace_a, redis, smtp, worker, beat
):
    total = 40
    _due_reminders(alice, workspace_a, total)
    smtp.inbox.delay = 0.05
    worker.start()

    beat.tick()
    wait_for(lambda: len(smtp.inbox.messages) >= 5, timeout=20, message="dispatch under way")
    redis.stop()  # the queued tasks die with it: it keeps nothing on disk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    redis.start()
    _until_all_sent(beat, total)

    counts = smtp.inbox.counts()
    assert len(counts) == total
    # Each of the two incidents may at most cost one accepted-but-not-committed message.
    assert sum(n - 1 for n in counts.values()) <= 2, counts


def test_an_smtp_server_refusing_then_down_gets_everything_once_it_recovers(
    alice, workspace_a, redis, smtp, worker, beat
):
    total = 10
    _due_reminders(alice, workspace_a, total)
    smtp.inbox.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    worker.start()

    beat.tick()
    # An attempt counts when it is taken, before the server answers: wait for the refusal itself.
    wait_for(
        lambda: any("451 4.3.0 Mailbox busy" in str(log) for log in _logs()),
        timeout=15,
        message="a refused attempt",
    )
    smtp.stop()

    # Retries come back after 1, 2, 4... seconds: wait (ticking the beat) until one of them
    # has met the stopped server, rather than for a fixed time a busy machine may not honour.
    def refused_seen():
        beat.tick()
        return any("Connection refused" in str(log) for log in _logs())

    wait_for(
        refused_seen, timeout=30, interval=1.0, message="an attempt against the stopped server"
    )
    assert smtp.inbox.messages == []
    smtp.inbox.refuse_with = None
    smtp.start()
    _until_all_sent(beat, total)

    counts = smtp.inbox.counts()
    assert len(counts) == total
    assert max(counts.values()) == 1
    logs = [str(log) for log in _logs()]
    assert any("451 4.3.0 Mailbox busy" in log for log in logs)
    assert any("Connection refused" in log for log in logs)
