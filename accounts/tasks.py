from celery import shared_task

from accounts import services
from accounts.outbox import delivery


@shared_task
def invitations_purge_expired() -> int:
    return services.invitations_purge_expired()


@shared_task(acks_late=True)
def outbox_deliver(ids: list[int]) -> dict:
    """Idempotent: a row already sent, settled or held by another worker is skipped.

    Failures are not retried by Celery: each is written on its row with the time of the next
    try, and the beat's claim queues it then.
    """
    return delivery.messages_deliver(ids=ids)


@shared_task(acks_late=True)
def outbox_dispatch() -> int:
    """Every 20 seconds: settle abandoned sends, then claim what is due and queue it."""
    delivery.messages_sweep()
    ids = delivery.messages_claim_due()
    for batch in delivery.batches(ids):
        outbox_deliver.delay(batch)
    return len(ids)
