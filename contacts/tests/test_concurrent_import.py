"""Two imports of one file at once, on two real worker processes, end with each person once."""

import secrets

import pytest

from contacts.importing import jobs
from contacts.models import Contact, ImportJob
from contacts.tests.test_worker import _send, _start_worker, _wait


@pytest.mark.worker
def test_two_imports_of_one_file_at_once_create_each_person_once(transactional_db, alice, tmp_path):
    from accounts.models import Workspace

    workspace = Workspace.objects.get(slug="acme")
    rows = 1200
    data = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(
            f"P{i},Person,https://www.linkedin.com/in/p{i},p{i}@example.test,Acme,Dev,01 Mar 2026\n"
            for i in range(rows)
        )
    ).encode()
    first, second = (
        jobs.import_upload(workspace=workspace, user=alice, filename="c.csv", data=data)
        for _ in range(2)
    )
    ImportJob.objects.filter(pk__in=[first.pk, second.pk]).update(status=ImportJob.Status.QUEUED)
    queues = [f"contacts-dup-{secrets.token_hex(4)}" for _ in range(2)]
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    workers = []
    try:
        for queue, path in zip(queues, logs, strict=True):
            workers.append(_start_worker(queue, path.open("w")))
        for path in logs:
            _wait(lambda path=path: "ready" in path.read_text(), 60, "the workers to start")
        _send(first, queues[0], batch_size=50)
        _send(second, queues[1], batch_size=50)
        _wait(
            lambda: ImportJob.objects.filter(status=ImportJob.Status.DONE).count() == 2,
            180,
            "both imports to finish",
        )
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(20)
    assert Contact.objects.filter(workspace=workspace).count() == rows
    done = list(ImportJob.objects.order_by("pk"))
    assert sum(job.created_count for job in done) == rows
    assert all(job.processed_rows == rows and job.error_count == 0 for job in done)
    # Both really ran at once (one created the people batch by batch, the other found them).
    assert done[0].started_at < done[1].finished_at and done[1].started_at < done[0].finished_at
    assert sum(job.skipped_count + job.updated_count for job in done) == rows
