from celery import shared_task

from contacts import merging
from contacts.importing import retention, run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_run(job_id: int, batch_size: int = run.BATCH_SIZE) -> None:
    """Import the job's rows; safe to run again, it resumes from the committed offset."""
    try:
        run.import_run(job_id=job_id, batch_size=batch_size)
    except Exception as error:
        run.import_fail(job_id=job_id, error=error)
        raise


@shared_task
def imports_purge() -> int:
    """Hourly: uploads past their retention go (contacts.importing.retention)."""
    return retention.imports_purge()


@shared_task
def merge_undos_purge() -> int:
    """Hourly: forget merges that can no longer be undone (their snapshot holds a person)."""
    return merging.merge_undos_purge()
