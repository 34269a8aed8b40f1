"""Celery tasks: the beat asks the database what is due; workers deliver by id."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from followups import reminders

# SMTP errors are the outbox's to retry (on the row); these are the database's and broker's.
RETRYABLE = (OSError, DatabaseError)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=settings.FOLLOWUPS_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=12,
)
def reminders_deliver(reminder_ids: list[int]) -> int:
    """Idempotent: a reminder already queued, cancelled or handled by another worker is skipped."""
    return reminders.reminders_deliver(reminder_ids=reminder_ids)


@shared_task(acks_late=True)
def reminders_dispatch() -> int:
    """Every minute: claim what is due and queue it in batches."""
    ids = reminders.reminders_claim_due()
    for batch in reminders.batches(ids):
        reminders_deliver.delay(batch)
    return len(ids)


@shared_task(acks_late=True)
def digests_schedule() -> int:
    """Every few minutes: write today's digest row for users past 08:00 local."""
    return reminders.digests_schedule()
