"""Delivering the outbox: the database decides, the workers post (like followups/reminders.py).

``deliveries_claim_due`` (beat) picks pending rows whose ``next_attempt_at`` has come, pushes it
one lease ahead and returns their ids; a lost broker message costs one lease, never the event.
``delivery_attempt`` locks one row (``skip_locked``: whoever holds it is posting it), posts it,
and records the answer in the same transaction, so a receiver that answered 2xx is never sent
that delivery again. The one duplicate no design rules out is a crash between the receiver's
answer and that commit; the webhook-id is the same on every attempt, so a receiver can tell.

Failed attempts are retried with exponential backoff until 24 hours after the event; an
endpoint whose attempts have all failed for 24 hours (or too many times in a row) is switched
off and its workspace's admins are emailed.
"""

import json
import logging
import time
from datetime import datetime, timedelta

import urllib3
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from standardwebhooks.webhooks import Webhook

from accounts.models import Membership
from accounts.outbox import message_queue
from webhooks import ssrf
from webhooks.models import FAILURES_REASON, SINCE_REASON, Attempt, Delivery, Endpoint

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=50)
BATCH_SIZE = 50
USER_AGENT = "Infoview-Webhooks/1"
# What is read of a receiver's answer; the rest is not ours to keep.
MAX_RESPONSE_BYTES = 64 * 1024


def retry_for() -> timedelta:
    return timedelta(seconds=settings.WEBHOOKS_RETRY_FOR_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: base, twice that, 4 times... up to the cap."""
    seconds = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(settings.WEBHOOKS_RETRY_MAX_SECONDS, seconds))


def signature_headers(*, secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` sent at ``at``."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
    }


# --- the beat's side ----------------------------------------------------------------------------


def deliveries_claim_due(
    *, now: datetime | None = None, limit: int = 10_000, lease: timedelta = LEASE
) -> list[int]:
    """Claim due rows of active endpoints; rows whose message is lost come back after ``lease``."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                state=Delivery.State.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
            )
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return ids


def batches(ids: list[int], size: int = BATCH_SIZE):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- the worker's side --------------------------------------------------------------------------


class Sender:
    """Posts to receivers, keeping one connection per checked address for a batch."""

    def __init__(self):
        self.pools: dict[tuple, urllib3.HTTPConnectionPool] = {}

    def _pool(self, target: ssrf.Target) -> urllib3.HTTPConnectionPool:
        key = (target.scheme, target.address, target.port, target.host)
        if key not in self.pools:
            timeout = urllib3.Timeout(connect=5.0, read=settings.WEBHOOKS_TIMEOUT_SECONDS)
            options = {"timeout": timeout, "retries": False, "maxsize": 1}
            if target.scheme == "https":
                # Connect to the address that was checked, but speak TLS to the name.
                pool = urllib3.HTTPSConnectionPool(
                    target.address,
                    target.port,
                    server_hostname=target.host,
                    assert_hostname=target.host,
                    cert_reqs="CERT_REQUIRED",
                    **options,
                )
            else:
                pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
            self.pools[key] = pool
        return self.pools[key]

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """The receiver's status code; ``ssrf.Refused`` or a network error otherwise."""
        target = ssrf.target_for(url)  # again at every request: DNS may have changed
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if target.port == default_port else f"{target.host}:{target.port}"
        response = self._pool(target).urlopen(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Host": host,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            response.read(MAX_RESPONSE_BYTES)
            if response.read(1):  # a longer answer: drop the connection rather than read it
                response.close()
        finally:
            response.release_conn()
        return response.status

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
        self.pools.clear()


def _error_text(error: Exception) -> str:
    if isinstance(error, ssrf.Refused):
        return f"Refused: {error}"[:500]
    return f"{type(error).__name__}: {error}"[:500]


def _record_failure(delivery: Delivery, now: datetime) -> None:
    """Schedule the next try (or give up), and switch the endpoint off if it keeps failing."""
    if now >= delivery.give_up_at:
        delivery.state = Delivery.State.FAILED
    else:
        delivery.next_attempt_at = min(now + backoff(delivery.attempts), delivery.give_up_at)
    delivery.save(
        update_fields=["state", "attempts", "next_attempt_at", "last_status_code", "last_error"]
    )
    endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
    endpoint.update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce("failing_since", Value(now)),
    )
    failures, since = endpoint.values_list("consecutive_failures", "failing_since").get()
    too_many = failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    too_long = since <= now - timedelta(seconds=settings.WEBHOOKS_DISABLE_AFTER_SECONDS)
    if not (too_many or too_long):
        return
    # Stored in English; Endpoint.disabled_reason_text() shows it in the reader's language.
    if too_many:
        reason = FAILURES_REASON.format(failures=failures)
    else:
        reason = SINCE_REASON.format(since=since)
    switched_off = endpoint.filter(is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:200], updated_at=now
    )
    if switched_off:  # once, however many workers fail at the same moment
        # Queued in the outbox in this transaction: the email goes if and only if it is off.
        endpoint_disabled_notify(endpoint_id=delivery.endpoint_id)


def delivery_attempt(*, delivery_id: int, sender: Sender) -> bool:
    """Post one pending delivery; True when the receiver answered 2xx to this call.

    A delivery already delivered, given up, or being posted by another worker right now is
    left alone; so is one whose endpoint is switched off (it waits to be switched back on).
    """
    pending = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING)
    with transaction.atomic():
        delivery = (
            pending.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .first()
        )
        if delivery is None or not delivery.endpoint.is_active:
            return False
        endpoint = delivery.endpoint
        started = timezone.now()
        clock = time.monotonic()
        status, error = None, ""
        try:
            body = json.dumps(delivery.payload, separators=(",", ":"))
            headers = signature_headers(
                secret=endpoint.secret, msg_id=delivery.msg_id, at=started, body=body
            )
            status = sender.post(endpoint.url, body.encode(), headers)
        except (ssrf.Refused, urllib3.exceptions.HTTPError, OSError) as failure:
            error = _error_text(failure)
        took = int((time.monotonic() - clock) * 1000)
        now = timezone.now()
        Attempt.objects.create(
            delivery=delivery,
            endpoint=endpoint,
            at=started,
            status_code=status,
            error=error,
            duration_ms=took,
        )
        delivery.attempts += 1
        delivery.last_status_code = status
        delivery.last_error = error or ("" if status and status < 300 else f"HTTP {status}")
        if status is not None and 200 <= status < 300:
            delivery.state = Delivery.State.DELIVERED
            delivery.delivered_at = now
            delivery.save(
                update_fields=["state", "attempts", "delivered_at", "last_status_code"]
                + ["last_error"]
            )
            Endpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(
                consecutive_failures=0, failing_since=None
            )
            return True
        _record_failure(delivery, now)
        return False


def deliveries_deliver(*, delivery_ids: list[int]) -> int:
    """Post a batch, reusing connections; returns how many this call delivered."""
    sender = Sender()
    delivered = 0
    try:
        for delivery_id in delivery_ids:
            delivered += delivery_attempt(delivery_id=delivery_id, sender=sender)
    finally:
        sender.close()
    return delivered


# --- telling the admins -------------------------------------------------------------------------


def endpoint_disabled_notify(*, endpoint_id: int) -> None:
    """Queue the admins' email about a switched-off endpoint in the outbox."""
    endpoint = Endpoint.objects.select_related("workspace").get(pk=endpoint_id)
    admins = Membership.objects.filter(
        workspace=endpoint.workspace,
        role__in=[Membership.Role.ADMIN, Membership.Role.OWNER],
        user__is_active=True,
    ).values_list("user__email", "user__language")
    # One email per language among the admins, each in the language its readers chose.
    by_language: dict[str, list[str]] = {}
    for email, language in admins:
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    context = {
        "endpoint": endpoint,
        "workspace": endpoint.workspace,
        "url": f"{settings.SITE_URL}{endpoint.get_absolute_url()}",
    }
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            subject = render_to_string("webhooks/email/disabled_subject.txt", context).strip()
            body = render_to_string("webhooks/email/disabled.txt", context)
        # The endpoint page says it is off; the email is a courtesy (a second copy is harmless).
        message_queue(
            message=EmailMessage(subject=subject, body=body, to=emails),
            kind="webhook_disabled",
            workspace=endpoint.workspace,
            about=f"webhooks.endpoint:{endpoint.pk}",
            repeatable=True,
        )
