"""Reminder emails to users: claimed by the beat, delivered by workers, each exactly once.

The row is the truth (STYLE.md section 7). ``reminders_claim_due`` (beat, every minute) picks
pending rows whose ``next_attempt_at`` has come, pushes that time one lease ahead and returns
their ids for the workers; a lost broker message therefore costs one lease, never the
reminder. ``reminder_queue`` locks one row (``skip_locked``: whoever holds it is handling it),
checks it is still wanted, and writes its email to the outbox (``accounts.outbox``) in the same
transaction that marks it queued; the outbox then sends it with honest states (sent, failed,
unknown) and retries. The Message-ID is derived from the row, so the one extra copy the outbox
may send after an ambiguous send is recognisable as the same message.
"""

import logging
import re
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape

from accounts.i18n import language_of
from accounts.models import Membership, OutgoingMessage, User
from accounts.outbox import delivery, message_queue
from followups.models import FollowUp, Reminder
from followups.selectors import followups_for_feed
from infoview.mail import sender_domain

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "followups.unsubscribe"
# Shorter than the beat's minute, so a row whose message was lost (Redis restarted, say) is
# queued again at the very next tick. Delivery locks and re-checks each row, so a row queued
# twice is still sent once; a long backlog only costs a redundant task now and then.
LEASE = timedelta(seconds=50)
BATCH_SIZE = 50


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user(token: str) -> User:
    return User.objects.get(pk=signing.loads(token, salt=UNSUBSCRIBE_SALT))


def unsubscribe_url(user: User, workspace_slug: str) -> str:
    path = reverse(
        "followups:unsubscribe", kwargs={"ws": workspace_slug, "token": unsubscribe_token(user)}
    )
    return f"{settings.SITE_URL}{path}"


# --- the beat's side ------------------------------------------------------------------------


def reminders_claim_due(
    *, now: datetime | None = None, limit: int = 10_000, lease: timedelta = LEASE
) -> list[int]:
    """Claim due rows for delivery; rows whose message is lost come back after ``lease``."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(state=Reminder.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return ids


def batches(ids: list[int], size: int = BATCH_SIZE) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


DIGEST_SQL = """
INSERT INTO followups_reminder
    (user_id, kind, due_at, local_date, state, next_attempt_at, attempts, last_error,
     message_id, reason, created_at)
SELECT u.id, 'digest',
       (((%(now)s AT TIME ZONE u.time_zone)::date + time '08:00') AT TIME ZONE u.time_zone),
       (%(now)s AT TIME ZONE u.time_zone)::date, 'pending', %(now)s, 0, '', '', '', %(now)s
FROM accounts_user u
WHERE u.is_active
  AND u.reminder_preference <> 'off'
  AND (%(now)s AT TIME ZONE u.time_zone)::time >= time '08:00'
  -- A local day already digested, or a later one (the user moved west, Tokyo to Los Angeles,
  -- after today's digest): never a second digest for the same local date.
  AND NOT EXISTS (
      SELECT 1 FROM followups_reminder r
      WHERE r.user_id = u.id AND r.kind = 'digest'
        AND r.local_date >= (%(now)s AT TIME ZONE u.time_zone)::date
  )
ON CONFLICT DO NOTHING
"""


def digests_schedule(*, now: datetime | None = None) -> int:
    """Write today's digest row for every user past 08:00 local who has none yet.

    One statement for all users; the unique (user, local date) index makes it exactly once
    per local day, whatever the DST change or however often the beat runs, and a local date
    is digested once even across a time-zone change (the dates only move forward).
    """
    with connection.cursor() as cursor:
        cursor.execute(DIGEST_SQL, {"now": now or timezone.now()})
        return cursor.rowcount


# --- the worker's side ----------------------------------------------------------------------


class Undeliverable(Exception):
    """A reason not to send (user turned reminders off, contact archived...)."""


def _is_member(user_id: int, workspace_id: int, seen: dict) -> bool:
    """Membership, looked up once per batch for each (user, workspace)."""
    key = ("member", user_id, workspace_id)
    if key not in seen:
        seen[key] = Membership.objects.filter(user_id=user_id, workspace_id=workspace_id).exists()
    return seen[key]


def _check_thank_you(reminder: Reminder, members: dict) -> FollowUp:
    user = reminder.user
    followup = reminder.followup
    if user.reminder_preference != User.ReminderPreference.IMMEDIATE:
        raise Undeliverable(f"preference {user.reminder_preference}")
    if not user.is_active:
        raise Undeliverable("inactive user")
    if followup is None or not followup.is_pending:
        raise Undeliverable("closed")
    if followup.contact.archived_at is not None:
        raise Undeliverable("contact archived")
    if followup.owner_id != user.pk:
        raise Undeliverable("reassigned")
    if followup.effective_due_at != reminder.due_at:
        raise Undeliverable("rescheduled")
    if not _is_member(user.pk, followup.workspace_id, members):
        raise Undeliverable("not a member")
    return followup


def _digest_followups(reminder: Reminder) -> list[FollowUp]:
    user = reminder.user
    if user.reminder_preference == User.ReminderPreference.OFF:
        raise Undeliverable("preference off")
    # Everything due by the end of that local day (midnight, whatever the DST change).
    next_day = reminder.local_date + timedelta(days=1)
    end = datetime.combine(next_day, time(), tzinfo=zoneinfo.ZoneInfo(user.time_zone))
    rows = list(followups_for_feed(user=user, until=end))
    if not rows:
        raise Undeliverable("nothing due")
    return rows


# A thank-you reminder's values that change from one message to the next; the rest of its
# subject, text and HTML is the same for every reminder in a language.
_SLOTS = ("name", "person", "due", "followup_url", "unsubscribe_url")
_SLOT = re.compile("\ue000([0-9])\ue001")  # private-use characters: no escaping touches them
THANK_YOU = "followups/email/thank_you_reminder"


def _thank_you_skeleton(language: str, cache: dict) -> tuple[list, list, list]:
    """The thank-you templates rendered once per batch and language, with a marker for each
    value of ``_SLOTS``: the subject, text and HTML as pieces, a slot's index between them."""
    key = ("thank you", language)
    if key not in cache:
        context = {name: f"\ue000{i}\ue001" for i, name in enumerate(_SLOTS)}
        with translation.override(language):
            cache[key] = tuple(
                _SLOT.split(render_to_string(name, context))
                for name in (f"{THANK_YOU}_subject.txt", f"{THANK_YOU}.txt", f"{THANK_YOU}.html")
            )
    return cache[key]


def _fill(pieces: list, values: list) -> str:
    return "".join(values[int(p)] if i % 2 else p for i, p in enumerate(pieces))


def _thank_you_texts(user: User, followup: FollowUp, url: str, cache: dict) -> tuple:
    """Subject, text and HTML of a thank-you reminder, as the templates render them: each
    value escaped where the template escapes it (the HTML) and as it is elsewhere."""
    language = language_of(user)
    # The beat claims a minute's due reminders at a time: most of a batch shares its due time.
    key = ("due", language, user.time_zone, followup.due_at)
    if key not in cache:
        with translation.override(language), timezone.override(user.time_zone):
            cache[key] = formats.date_format(timezone.localtime(followup.due_at), "l j F, H:i")
    due = cache[key]
    followup_url = f"{settings.SITE_URL}{followup.get_absolute_url()}"
    values = [user.get_short_name(), followup.contact.full_name, due, followup_url, url]
    subject, text, html = _thank_you_skeleton(language, cache)
    return (
        _fill(subject, values).strip(),
        _fill(text, values),
        _fill(html, [escape(value) for value in values]),
    )


def _message(reminder: Reminder, cache: dict) -> EmailMultiAlternatives:
    user = reminder.user
    if "domain" not in cache:
        cache["domain"] = sender_domain()
    domain = cache["domain"]
    if reminder.kind == Reminder.Kind.THANK_YOU:
        followup = _check_thank_you(reminder, cache)
        slug = followup.workspace.slug
    else:
        rows = _digest_followups(reminder)
        slug = rows[0].workspace.slug
    key = ("unsubscribe", user.pk, slug)
    if key not in cache:
        cache[key] = unsubscribe_url(user, slug)
    url = cache[key]
    if reminder.kind == Reminder.Kind.THANK_YOU:
        subject, text, html = _thank_you_texts(user, followup, url, cache)
    else:
        context = {
            "followups": rows,
            "local_date": reminder.local_date,
            "user": user,
            "unsubscribe_url": url,
            "site_url": settings.SITE_URL,
        }
        template = "followups/email/digest"
        with translation.override(language_of(user)), timezone.override(user.time_zone):
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            text = render_to_string(f"{template}.txt", context)
            html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            # Derived from the row: a redelivered duplicate is the same message to a client.
            "Message-ID": f"<reminder-{reminder.pk}@{domain}>",
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_queue(*, reminder: Reminder, cache: dict | None = None) -> OutgoingMessage | None:
    """Hand one due reminder to the outbox unless it is queued, cancelled or being handled.

    ``reminder`` may have been read a moment ago with its relations; the row lock taken here,
    and the state read under it, are what decide. The outbox row is written in the same
    transaction that marks the reminder queued, with the reminder as its idempotency key, so
    a reminder makes one email whatever runs twice. A reminder is repeatable: should its send
    end ambiguously, the outbox sends it once more, with the same Message-ID.
    """
    cache = {} if cache is None else cache
    pending = Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.PENDING).order_by()
    with transaction.atomic():
        locked = pending.select_for_update(skip_locked=True).values_list("pk", flat=True)
        if not list(locked):  # queued, cancelled, or another worker has it right now
            return None
        try:
            message = _message(reminder, cache)
        except Undeliverable as reason:
            pending.update(state=Reminder.State.CANCELLED, reason=str(reason)[:64])
            return None
        followup = reminder.followup if reminder.kind == Reminder.Kind.THANK_YOU else None
        outgoing = message_queue(
            message=message,
            kind="reminder" if followup is not None else "digest",
            workspace=followup.workspace if followup is not None else None,
            about=f"followups.reminder:{reminder.pk}",
            idempotency_key=f"followups.reminder:{reminder.pk}",
            repeatable=True,
            deliver_on_commit=False,  # this worker sends the batch itself, below
        )
        pending.update(
            state=Reminder.State.QUEUED, outgoing=outgoing, message_id=outgoing.message_id
        )
    return outgoing


def _queue_batch(reminder_ids: list[int]) -> tuple[list, list]:
    """``reminder_queue`` for a whole batch in one transaction: the outbox rows, taken by this
    worker (``messages_queue_taken``), and the earlier outbox rows of reminders that had one.

    The same decisions, in a few statements instead of several per reminder: the rows still
    pending are read with what their emails need and locked in one statement (``skip_locked``,
    as there), each is checked and rendered, the outbox rows are written together (the
    reminder as the idempotency key) and the reminders marked queued or cancelled in the same
    transaction. Its commit waits for the disk: from it on, the outbox rows are this worker's
    to send (lost in a crash before it, nothing was sent and the reminders are still pending,
    for the beat to claim again).
    """
    cache: dict = {}
    with transaction.atomic():
        rows = list(
            Reminder.objects.filter(pk__in=reminder_ids, state=Reminder.State.PENDING)
            .select_related("user", "followup__contact", "followup__workspace")
            .select_for_update(skip_locked=True, of=("self",))
        )
        by_id = {reminder.pk: reminder for reminder in rows}
        items, wanted, cancelled = [], [], []
        for reminder_id in dict.fromkeys(reminder_ids):
            reminder = by_id.get(reminder_id)
            if reminder is None:  # queued, cancelled, or another worker has it
                continue
            try:
                message = _message(reminder, cache)
            except Undeliverable as reason:
                reminder.state, reminder.reason = Reminder.State.CANCELLED, str(reason)[:64]
                cancelled.append(reminder)
                continue
            followup = reminder.followup if reminder.kind == Reminder.Kind.THANK_YOU else None
            items.append(
                {
                    "message": message,
                    "kind": "reminder" if followup is not None else "digest",
                    "workspace": followup.workspace if followup is not None else None,
                    "about": f"followups.reminder:{reminder.pk}",
                    "idempotency_key": f"followups.reminder:{reminder.pk}",
                    "repeatable": True,
                }
            )
            wanted.append(reminder)
        taken, earlier = delivery.messages_queue_taken(items)
        if wanted:
            by_key = {row.idempotency_key: row for row in [*taken, *earlier]}
            outgoing = [by_key[f"followups.reminder:{reminder.pk}"] for reminder in wanted]
            with connection.cursor() as cursor:
                cursor.execute(
                    _QUEUED_SQL,
                    [
                        Reminder.State.QUEUED.value,
                        [reminder.pk for reminder in wanted],
                        [row.pk for row in outgoing],
                        [row.message_id for row in outgoing],
                    ],
                )
        reasons: dict[str, list[int]] = {}
        for reminder in cancelled:
            reasons.setdefault(reminder.reason, []).append(reminder.pk)
        for reason, pks in reasons.items():
            Reminder.objects.filter(pk__in=pks).update(
                state=Reminder.State.CANCELLED, reason=reason
            )
    return taken, earlier


# Each reminder of the batch marked queued with its outbox row, in one statement whatever the
# batch's size (the ORM's bulk_update writes a CASE per row and column, which cost more to
# build than the rows did to write).
_QUEUED_SQL = """
UPDATE followups_reminder AS reminder
SET state = %s, outgoing_id = queued.outgoing_id, message_id = queued.message_id
FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS queued (id, outgoing_id, message_id)
WHERE reminder.id = queued.id
"""


def reminders_deliver(*, reminder_ids: list[int]) -> int:
    """Queue a batch in the outbox and send it over one connection; returns how many were sent.

    The batch becomes its outbox rows in one transaction (``_queue_batch``), then the outbox
    sends the rows (one bad recipient never holds back the others; refusals are retried by the
    outbox).
    """
    taken, earlier = _queue_batch(reminder_ids)
    if not taken and not earlier:
        return 0
    counts = delivery.messages_deliver(taken=taken, ids=[row.pk for row in earlier])
    return counts.get("sent", 0)
