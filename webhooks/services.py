"""Writes of the webhooks app: endpoints, and events into the outbox.

``event_record`` is called by the signal receivers (webhooks/receivers.py) inside the
transaction of the change it reports: one outbox row per endpoint that wants the event, so the
event is delivered if and only if the change committed. Queueing the delivery waits for the
commit; if that message is lost, the beat's sweep finds the row anyway (webhooks/delivery.py).
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, Workspace
from followups.due import followups_announce_due
from webhooks import events, ssrf, tasks
from webhooks.delivery import LEASE, retry_for
from webhooks.models import TEST_EVENT, Cursor, Delivery, Endpoint, Event

logger = logging.getLogger(__name__)


def _queue(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def send():
        try:
            tasks.deliveries_deliver.delay(delivery_ids)
        except Exception:
            # The rows wait in the database; the beat's sweep queues them after the lease.
            logger.warning("Queueing webhook deliveries failed", exc_info=True)

    transaction.on_commit(send)


# --- events into the outbox -------------------------------------------------------------------


def event_record(
    *,
    workspace_id: int,
    event_type: str,
    data: Callable[[], dict],
    msg_id: str,
    contact_id: int | None = None,
    at: datetime | None = None,
) -> list[int]:
    """One pending delivery per active endpoint of the workspace that subscribed to the event.

    ``data`` is called only when some endpoint wants the event, so an event nobody listens to
    costs one query. The same ``msg_id`` recorded twice makes no second row.
    """
    endpoint_ids = list(
        Endpoint.objects.filter(
            workspace_id=workspace_id, is_active=True, events__contains=[event_type]
        ).values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return []
    now = timezone.now()
    payload = events.envelope(event_type, data(), at or now)
    Delivery.objects.bulk_create(
        [
            Delivery(
                workspace_id=workspace_id,
                endpoint_id=endpoint_id,
                msg_id=msg_id,
                event_type=event_type,
                payload=payload,
                contact_id=contact_id,
                created_at=now,
                give_up_at=now + retry_for(),
                # Queued at commit; only if that message is lost does the sweep take it.
                next_attempt_at=now + LEASE,
            )
            for endpoint_id in endpoint_ids
        ],
        ignore_conflicts=True,
    )
    ids = list(
        Delivery.objects.filter(
            endpoint_id__in=endpoint_ids, msg_id=msg_id, state=Delivery.State.PENDING
        ).values_list("pk", flat=True)
    )
    _queue(ids)
    return ids


def deliveries_forget_person(*, workspace_id: int, contact_id: int) -> int:
    """After an erasure: cancel what was still to be sent about the person, and strip the
    payloads kept in the log down to ids."""
    rows = Delivery.objects.filter(workspace_id=workspace_id, contact_id=contact_id).exclude(
        event_type=Event.CONTACT_ERASED
    )
    rows.filter(state=Delivery.State.PENDING).update(
        state=Delivery.State.CANCELLED, last_error="The person was erased."
    )
    count = 0
    for delivery in rows.only("pk", "payload", "event_type"):
        data = delivery.payload.get("data") or {}
        stripped = {"id": data.get("id"), "contact_id": contact_id, "redacted": True}
        delivery.payload = {**delivery.payload, "data": stripped}
        delivery.save(update_fields=["payload"])
        count += 1
    return count


# --- endpoints ----------------------------------------------------------------------------------


def _check_url(url: str) -> None:
    try:
        ssrf.target_for(url)
    except ssrf.Refused as refused:
        raise ValidationError({"url": str(refused)}) from refused


def _clean_events(names: Iterable[str]) -> list[str]:
    chosen = [name for name in events.ALL_EVENTS if name in set(names)]
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return chosen


def endpoint_create(
    *, workspace: Workspace, url: str, events: Iterable[str], description: str = "", by: User
) -> Endpoint:
    _check_url(url)
    endpoint = Endpoint(
        workspace=workspace,
        url=url,
        events=_clean_events(events),
        description=description.strip(),
        created_by=by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_update(
    *, endpoint: Endpoint, url: str, events: Iterable[str], description: str = ""
) -> Endpoint:
    if url != endpoint.url:
        _check_url(url)
    endpoint.url = url
    endpoint.events = _clean_events(events)
    endpoint.description = description.strip()
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def endpoint_enable(*, endpoint: Endpoint) -> Endpoint:
    """Switch a disabled endpoint back on; what was waiting for it is tried again now."""
    now = timezone.now()
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True,
        disabled_at=None,
        disabled_reason="",
        consecutive_failures=0,
        failing_since=None,
        updated_at=now,
    )
    waiting = Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING)
    # A fresh 24 hours of retries: the admin who switched it on expects these to arrive.
    waiting.update(next_attempt_at=now + LEASE, give_up_at=now + retry_for())
    _queue(list(waiting.values_list("pk", flat=True)))
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint) -> Delivery:
    """A ``webhook.test`` event to this endpoint only, whatever it subscribed to."""
    if not endpoint.is_active:
        raise ValidationError(_("Switch the endpoint back on before sending it a test event."))
    now = timezone.now()
    msg_id = events.random_msg_id()
    data = {"endpoint_id": endpoint.pk, "workspace": endpoint.workspace.slug}
    delivery = Delivery.objects.create(
        workspace_id=endpoint.workspace_id,
        endpoint=endpoint,
        msg_id=msg_id,
        event_type=TEST_EVENT,
        payload=events.envelope(TEST_EVENT, data, now),
        created_at=now,
        give_up_at=now + retry_for(),
        next_attempt_at=now + LEASE,
    )
    _queue([delivery.pk])
    return delivery


# --- time-driven events and housekeeping ---------------------------------------------------------

FOLLOWUP_DUE_CURSOR = "followup.due"


@transaction.atomic
def followups_due_sweep(*, now: datetime | None = None) -> int:
    """Announce the follow-ups that fell due since the last sweep, and move the cursor.

    The cursor row is locked, so two sweeps at once take turns and each due time is announced
    once; the outbox rows and the cursor commit together. The first sweep starts from now.
    """
    now = now or timezone.now()
    cursor, created = Cursor.objects.select_for_update().get_or_create(
        name=FOLLOWUP_DUE_CURSOR, defaults={"at": now}
    )
    if created or cursor.at >= now:
        return 0
    workspace_ids = set(
        Endpoint.objects.filter(is_active=True, events__contains=[Event.FOLLOWUP_DUE]).values_list(
            "workspace_id", flat=True
        )
    )
    count = 0
    if workspace_ids:
        count = followups_announce_due(since=cursor.at, until=now, workspace_ids=workspace_ids)
    cursor.at = now
    cursor.save(update_fields=["at"])
    return count


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Forget finished deliveries (and their attempts) older than WEBHOOKS_LOG_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOKS_LOG_DAYS)
    deleted, _rows = (
        Delivery.objects.filter(created_at__lt=cutoff)
        .exclude(state=Delivery.State.PENDING)
        .delete()
    )
    return deleted
