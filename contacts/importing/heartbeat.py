"""Import jobs that finish or say why: a heartbeat while a task runs one, a sweep for the rest.

The task that runs a job (``contacts.tasks.import_run``) beats while it works: a thread writes
``heartbeat_at`` every ``IMPORTS_HEARTBEAT_SECONDS``. A worker killed with SIGKILL, a broker
that lost the message (Redis restarted empty, the file broker's message gone), a database
restart that broke the task: each leaves a queued or running job whose heartbeat stops. The
beat's sweep (``imports_claim_stale``) finds those older than ``IMPORTS_LEASE_SECONDS`` and
queues them again, to carry on from their committed offset (``run.import_run`` resumes there),
at most ``IMPORTS_MAX_REQUEUES`` times; after that the job is marked failed with the reason,
which its page shows. Nothing here depends on the task's own failure handling, so a failure the
task could not record (the database was down) is settled once the database is back.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import ImportJob

logger = logging.getLogger(__name__)

ACTIVE = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def lease() -> timedelta:
    return timedelta(seconds=settings.IMPORTS_LEASE_SECONDS)


def beat(job_id: int) -> None:
    """Say the job is being worked on, now (only while it is queued or running)."""
    ImportJob.objects.filter(pk=job_id, status__in=ACTIVE).update(heartbeat_at=timezone.now())


class _Beating(threading.Thread):
    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"import-heartbeat-{job_id}")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.IMPORTS_HEARTBEAT_SECONDS):
                try:
                    beat(self.job_id)
                except DatabaseError:
                    # The database is away: no beat, which is the truth; the sweep decides.
                    logger.warning("Import %s: heartbeat not written", self.job_id)
                    with contextlib.suppress(DatabaseError):
                        connection.close()
        finally:
            with contextlib.suppress(DatabaseError):
                connection.close()  # this thread's own connection


@contextlib.contextmanager
def beating(job_id: int) -> Iterator[None]:
    """Beat for the job while the block runs; the beats stop with the block (or the process)."""
    beat(job_id)
    thread = _Beating(job_id)
    thread.start()
    try:
        yield
    finally:
        thread.stopped.set()
        thread.join(timeout=5)


def imports_claim_stale(*, now: datetime | None = None) -> list[int]:
    """Queued or running jobs nobody beats for: the ids to queue again (bounded), the rest failed.

    A re-queued job gets a fresh heartbeat, so it is not claimed again before a lease passes.
    """
    now = now or timezone.now()
    stale = Q(status__in=ACTIVE) & Q(beat_or_update__lt=now - lease())
    requeue, fail = [], []
    with transaction.atomic():
        jobs = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .annotate(beat_or_update=Coalesce("heartbeat_at", "updated_at"))
            .filter(stale)
            .only("pk", "requeues", "processed_rows", "total_rows")
        )
        for job in jobs:
            (requeue if job.requeues < settings.IMPORTS_MAX_REQUEUES else fail).append(job.pk)
        if requeue:
            ImportJob.objects.filter(pk__in=requeue).update(
                status=ImportJob.Status.QUEUED,
                requeues=F("requeues") + 1,
                heartbeat_at=now,
                failure="",
            )
        if fail:
            reason = _(
                "The import stopped %(times)d times without finishing (its worker or a service "
                "it needs went away). Rows already imported are kept; run it again to carry on."
            ) % {"times": settings.IMPORTS_MAX_REQUEUES + 1}
            ImportJob.objects.filter(pk__in=fail).update(
                status=ImportJob.Status.FAILED, failure=reason, finished_at=now
            )
    for job_id in requeue:
        logger.warning("Import %s had no heartbeat for a lease: queued again", job_id)
    for job_id in fail:
        logger.warning("Import %s had no heartbeat too often: marked failed", job_id)
    return requeue
