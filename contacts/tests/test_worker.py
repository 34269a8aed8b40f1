"""The import on a real Celery worker process, killed in the middle and run again."""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from kombu import Connection

from contacts.importing import jobs
from contacts.models import Contact, ImportJob
from infoview.celery import app

BROKER = os.environ.get("CONTACTS_TEST_BROKER", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[2]


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start_worker(queue, log):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "infoview.settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "infoview",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _send(job, queue, batch_size):
    with Connection(BROKER) as conn:
        app.send_task(
            "contacts.tasks.import_run", args=[job.pk, batch_size], queue=queue, connection=conn
        )


def _job():
    return ImportJob.objects.get()


@pytest.mark.worker
def test_it_imports_on_a_worker_killed_midway_and_run_again(transactional_db, alice, tmp_path):
    from accounts.models import Workspace

    workspace = Workspace.objects.get(slug="acme")
    rows = 4000
    data = b"First name,Last name,Email\n" + b"".join(
        f"P{i},Person,p{i}@example.test\n".encode() for i in range(rows)
    )
    job = jobs.import_upload(workspace=workspace, user=alice, filename="p.csv", data=data)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    queue = f"contacts-test-{secrets.token_hex(4)}"
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = _start_worker(queue, log)
        try:
            _wait(lambda: "ready" in log_path.read_text(), 60, "the worker to start")
            _send(job, queue, batch_size=20)
            _wait(lambda: _job().processed_rows >= 200, 60, "the import to progress")
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        killed = _job()
        assert killed.status == ImportJob.Status.RUNNING
        assert 0 < killed.processed_rows < rows
        # Every committed batch is whole; nothing of the batch in flight is left behind.
        assert Contact.objects.filter(workspace=workspace).count() == killed.created_count
        assert killed.created_count == killed.processed_rows

        worker = _start_worker(queue, log)
        try:
            _wait(lambda: log_path.read_text().count("ready") >= 2, 60, "a new worker")
            _send(job, queue, batch_size=500)
            _wait(lambda: _job().status == ImportJob.Status.DONE, 120, "the import to finish")
        finally:
            worker.terminate()
            worker.wait(20)
    done = _job()
    assert (done.created_count, done.processed_rows, done.error_count) == (rows, rows, 0)
    assert Contact.objects.filter(workspace=workspace).count() == rows
