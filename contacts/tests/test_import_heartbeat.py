"""Import jobs that finish or say why: the heartbeat, the beat's sweep and what the page says."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from contacts import tasks
from contacts.importing import heartbeat, jobs, run
from contacts.models import Contact, ImportJob

pytestmark = pytest.mark.django_db

ROWS = b"First name,Last name,Email\n" + b"".join(
    f"P{i},Person,p{i}@example.test\n".encode() for i in range(25)
)


@pytest.fixture
def job(workspace_a, alice):
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="p.csv", data=ROWS)
    jobs.import_start(job=job)
    return ImportJob.objects.get(pk=job.pk)


def _killed_after_one_batch(job, monkeypatch):
    """A worker that died after committing the first batch: running, offset 10, silent."""
    real_apply = run.apply_batch
    calls = []

    def dies(job, plans, matcher):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_apply(job, plans, matcher)

    monkeypatch.setattr(run, "apply_batch", dies)
    with pytest.raises(SystemExit):
        run.import_run(job_id=job.pk, batch_size=10)
    monkeypatch.setattr(run, "apply_batch", real_apply)


def test_a_silent_job_is_queued_again_and_finishes_from_its_offset(job, monkeypatch, settings):
    _killed_after_one_batch(job, monkeypatch)
    job.refresh_from_db()
    assert (job.status, job.processed_rows) == ("running", 10)
    assert heartbeat.imports_claim_stale() == []  # within its lease: someone may be on it
    later = timezone.now() + timedelta(seconds=settings.IMPORTS_LEASE_SECONDS + 1)
    assert heartbeat.imports_claim_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.requeues) == ("queued", 1)
    assert heartbeat.imports_claim_stale(now=later) == []  # the fresh beat holds it a lease
    tasks.import_run.apply(args=[job.pk, 10])
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == ("done", 25, 25)
    assert Contact.objects.count() == 25


def test_a_job_that_keeps_dying_is_failed_with_the_reason_on_its_page(client, alice, job, settings):
    now = timezone.now()
    for attempt in range(settings.IMPORTS_MAX_REQUEUES + 1):
        now += timedelta(seconds=settings.IMPORTS_LEASE_SECONDS + 1)
        claimed = heartbeat.imports_claim_stale(now=now)
        assert claimed == ([job.pk] if attempt < settings.IMPORTS_MAX_REQUEUES else [])
    job.refresh_from_db()
    assert job.status == "failed"
    assert "stopped 4 times without finishing" in job.failure
    client.force_login(alice)
    page = client.get(reverse("contacts:import_detail", kwargs={"ws": "acme", "pk": job.pk}))
    assert "stopped 4 times without finishing" in page.text
    assert "Run it again" in page.text


def test_the_page_never_says_running_about_a_job_nothing_runs(client, alice, job, settings):
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    client.force_login(alice)
    url = reverse("contacts:import_progress", kwargs={"ws": "acme", "pk": job.pk})
    assert "Running" in client.get(url).text
    later = timezone.now() + timedelta(seconds=settings.IMPORTS_LEASE_SECONDS + 5)
    with time_machine.travel(later, tick=False):
        text = client.get(url).text
    assert "Running" not in text
    assert "Stalled: no worker is running it right now" in text


def test_a_database_error_leaves_the_job_to_the_sweep_not_failed(job, monkeypatch):
    def database_restarted(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(run, "import_run", database_restarted)
    tasks.import_run.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == "queued"
    assert job.failure == ""
    assert job.heartbeat_at is not None


def test_a_real_error_is_recorded_on_the_job(job, monkeypatch):
    def broken(**kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(run, "import_run", broken)
    result = tasks.import_run.apply(args=[job.pk])
    assert isinstance(result.result, ValueError)
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", "a bug")


def test_the_beat_sweeps_imports(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["contacts-imports-sweep"]
    assert entry["task"] == "contacts.tasks.imports_sweep"


@pytest.mark.django_db(transaction=True)
def test_it_beats_while_the_task_runs(workspace_a, alice, settings):
    settings.IMPORTS_HEARTBEAT_SECONDS = 0.2
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="p.csv", data=ROWS)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    with heartbeat.beating(job.pk):
        first = ImportJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.7)
    # Read after the block: a beat may land between a read inside it and the block's end (seen
    # on a loaded machine), none after it.
    last = ImportJob.objects.get(pk=job.pk).heartbeat_at
    assert first is not None and last > first
    time.sleep(0.4)
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at == last  # stopped with the block
