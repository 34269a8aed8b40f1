"""/metrics: who may read it, latency by route, and the timed work read from the database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from django.db import connection
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from contacts.models import ImportJob
from followups.models import Reminder

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TOKEN = "a-long-metrics-token-for-tests"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _scrape(client, **extra) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return _samples(response.content.decode())


def _samples(text: str) -> dict:
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            samples[key] = sample.value
    return samples


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []


@pytest.mark.django_db
def test_it_is_off_without_a_token_or_addresses(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = []
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_it_refuses_a_missing_or_wrong_token(client, token):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert b"infoview_" not in wrong.content


@pytest.mark.django_db
def test_it_answers_allowed_addresses_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.1.0.0/16", "127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 401


def test_it_times_requests_by_route_name_not_by_path(client, token, bob, workspace_a):
    client.force_login(bob)
    before = _scrape(client)
    key = (
        "infoview_request_duration_seconds_count",
        (("method", "GET"), ("route", "contacts:list")),
    )
    for _ in range(3):
        assert client.get(reverse("contacts:list", kwargs={"ws": workspace_a.slug})).status_code
    client.get("/no/such/page/")
    after = _scrape(client)
    assert after[key] - before.get(key, 0) == 3
    unmatched = ("infoview_requests_total", (("route", "unmatched"), ("status", "4xx")))
    assert after[unmatched] - before.get(unmatched, 0) == 1
    assert not any("/w/" in str(labels) for _name, labels in after)


@time_machine.travel(NOW, tick=False)
def test_it_reads_the_timed_work_from_the_database(client, token, bob, workspace_a):
    def reminder(state, due_minutes_ago, *, next_attempt_in=-1, attempts=0):
        due = NOW - timedelta(minutes=due_minutes_ago)
        return Reminder.objects.create(
            user=bob,
            kind=Reminder.Kind.DIGEST,
            local_date=(NOW - timedelta(days=len(made))).date(),
            due_at=due,
            next_attempt_at=NOW + timedelta(seconds=next_attempt_in * 60),
            state=state,
            attempts=attempts,
        )

    made = []
    made.append(reminder(Reminder.State.PENDING, 12))  # waiting for the beat
    made.append(reminder(Reminder.State.PENDING, 3, next_attempt_in=1))  # claimed, queued
    made.append(reminder(Reminder.State.PENDING, 5, next_attempt_in=2, attempts=2))  # retrying
    made.append(reminder(Reminder.State.PENDING, -30, next_attempt_in=30))  # not due yet
    made.append(reminder(Reminder.State.SENT, 60))
    made.append(reminder(Reminder.State.FAILED, 90))
    for status in ("done", "done", "failed", "running"):
        ImportJob.objects.create(
            workspace=workspace_a, created_by=bob, filename="x.csv", kind="csv", status=status
        )

    figures = _scrape(client)

    assert figures[("infoview_reminders", (("state", "pending"),))] == 4
    assert figures[("infoview_reminders", (("state", "sent"),))] == 1
    assert figures[("infoview_reminders", (("state", "failed"),))] == 1
    assert figures[("infoview_reminders", (("state", "cancelled"),))] == 0
    assert figures[("infoview_reminders_due", ())] == 3
    assert figures[("infoview_reminders_oldest_due_age_seconds", ())] == 12 * 60
    assert figures[("infoview_outbox_depth", (("stage", "waiting_for_beat"),))] == 1
    assert figures[("infoview_outbox_depth", (("stage", "queued"),))] == 1
    assert figures[("infoview_outbox_depth", (("stage", "retrying"),))] == 1
    assert figures[("infoview_import_jobs", (("status", "done"),))] == 2
    assert figures[("infoview_import_jobs", (("status", "failed"),))] == 1
    assert figures[("infoview_import_jobs", (("status", "queued"),))] == 0


@pytest.mark.django_db
def test_with_nothing_due_the_oldest_age_is_zero(client, token):
    assert _scrape(client)[("infoview_reminders_oldest_due_age_seconds", ())] == 0


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"), reason="needs a Redis broker"
)
@pytest.mark.django_db
def test_it_reports_the_celery_queue_length_from_redis(client, token, settings):
    from infoview.celery import app

    queue = f"metrics-test-{os.getpid()}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    try:
        broker.rpush(queue, b"{}", b"{}", b"{}")
        figures = _scrape(client)
    finally:
        broker.delete(queue)
        app.conf.task_default_queue = previous
    assert figures[("infoview_broker_up", ())] == 1
    assert figures[("infoview_celery_queue_length", (("queue", queue),))] == 3


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_reported_not_raised(client, token, monkeypatch):
    from infoview.celery import app

    previous = app.conf.broker_url
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed_port}/0")
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port}/0"
    try:
        figures = _scrape(client)
    finally:
        app.conf.broker_url = previous
    assert figures[("infoview_broker_up", ())] == 0
    assert not any(name == "infoview_celery_queue_length" for name, _ in figures)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_under_gunicorn_every_workers_requests_are_counted(tmp_path):
    """Twenty requests to workers that each quit after five (--max-requests): /metrics still
    counts all twenty, because it adds up every worker's figures, gone ones included."""
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "INFOVIEW_VAR_DIR": str(tmp_path),
        "METRICS_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:infoview.gunicorn_conf"]
        + ["infoview.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--max-requests", "5"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                # A long timeout: a poll given up on by a busy machine would still be served,
                # and counted, after the figures "before" are read.
                urllib.request.urlopen(f"{base}/healthz", timeout=30).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        before = _samples(urllib.request.urlopen(request, timeout=60).read().decode())
        for _ in range(20):
            urllib.request.urlopen(f"{base}/healthz", timeout=60).read()
        after = _samples(urllib.request.urlopen(request, timeout=60).read().decode())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    key = ("infoview_request_duration_seconds_count", (("method", "GET"), ("route", "healthz")))
    assert after[key] - before[key] == 20
    # Four worker processes at least served them; each left its figures in its own file.
    assert len(list((tmp_path / "prometheus").glob("histogram_*.db"))) >= 4
    assert len(list((tmp_path / "prometheus").glob("histogram_*.db"))) >= 1
