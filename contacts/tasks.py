import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from contacts import merging
from contacts.importing import heartbeat, retention, run

logger = logging.getLogger(__name__)

# Errors of the services, not of the job: the job is left queued or running, its heartbeat
# stops, and the beat's sweep runs it again from its committed offset.
TRANSIENT = (OperationalError, InterfaceError)


def _record_failure(job_id: int, error: Exception) -> None:
    """Write the failure, waiting for the database if it is away; the sweep is the last resort."""
    deadline = time.monotonic() + settings.IMPORTS_LEASE_SECONDS
    pause = 0.5
    while True:
        try:
            run.import_fail(job_id=job_id, error=error)
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                logger.exception(
                    "Import %s: failure not recorded; the sweep will settle it", job_id
                )
                return
            time.sleep(pause)
            pause = min(pause * 2, 5)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_run(job_id: int, batch_size: int = run.BATCH_SIZE) -> None:
    """Import the job's rows; safe to run again, it resumes from the committed offset."""
    try:
        with heartbeat.beating(job_id):
            run.import_run(job_id=job_id, batch_size=batch_size)
    except TRANSIENT:
        logger.warning("Import %s interrupted; the sweep will run it again", job_id, exc_info=True)
    except Exception as error:
        _record_failure(job_id, error)
        raise


@shared_task
def imports_purge() -> int:
    """Hourly: uploads past their retention go (contacts.importing.retention)."""
    return retention.imports_purge()


@shared_task
def merge_undos_purge() -> int:
    """Hourly: forget merges that can no longer be undone (their snapshot holds a person)."""
    return merging.merge_undos_purge()


@shared_task(acks_late=True)
def imports_sweep() -> int:
    """Every 30 seconds: queue again the jobs nothing runs (bounded), fail the hopeless ones."""
    ids = heartbeat.imports_claim_stale()
    for job_id in ids:
        import_run.delay(job_id)
    return len(ids)
