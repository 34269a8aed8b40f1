"""Celery tasks: the beat asks the database what is due; workers deliver by id."""

from celery import shared_task

from webhooks import delivery, services


@shared_task(acks_late=True)
def deliveries_deliver(delivery_ids: list[int]) -> int:
    """Idempotent: a delivery already delivered, or being posted by another worker, is skipped.

    Failures are not retried by Celery: each is written on its row with the time of the next
    try, and the beat's sweep queues it then.
    """
    return delivery.deliveries_deliver(delivery_ids=delivery_ids)


@shared_task(acks_late=True)
def deliveries_dispatch() -> int:
    """Every 30 seconds: claim what is due (first tries whose message was lost, and retries)."""
    ids = delivery.deliveries_claim_due()
    for batch in delivery.batches(ids):
        deliveries_deliver.delay(batch)
    return len(ids)


@shared_task(acks_late=True)
def followups_due_sweep() -> int:
    """Every minute: a followup.due event for each follow-up that fell due since the last run."""
    return services.followups_due_sweep()


@shared_task(acks_late=True)
def deliveries_purge() -> int:
    """Daily: the delivery log keeps WEBHOOKS_LOG_DAYS days."""
    return services.deliveries_purge()
