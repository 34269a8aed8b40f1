"""Queueing, claiming and sending outbox rows; the beat's sweep for what nobody finished.

- ``message_queue`` writes the row (same transaction as the caller's change) and queues the
  delivery task on commit.
- ``messages_claim_due`` (beat) pushes due ``pending`` rows one claim-lease ahead and returns
  them; a lost broker message costs one lease, never the email.
- ``messages_deliver`` takes a batch's rows ``pending`` → ``sending`` in one short transaction
  (``skip_locked``: whoever holds a row is sending it; ``messages_queue_taken`` writes a
  worker's own batch already taken), speaks SMTP outside any transaction, and records each
  row's outcome. Before its text the row carries ``data_sent_at`` (rows of repeatable kinds
  a few at a time); a worker killed after that leaves a row the sweep marks
  ``unknown``, one killed before it goes back to ``pending``. Which of these commits wait for
  the disk: see "the worker's side" below.
- ``messages_sweep`` (beat) settles expired leases and sends ``unknown`` rows of repeatable
  kinds once more, after a delay.

One bad recipient never holds back the others: each row is its own attempt, and a refusal is
written on that row and the batch goes on.
"""

import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.db import DatabaseError, IntegrityError, InterfaceError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts import signals
from accounts.models import OutgoingMessage, Workspace
from accounts.outbox import transmit
from infoview.mail import sender_domain

logger = logging.getLogger(__name__)
# The database away: a broken connection raises DatabaseError, one Django still holds after it
# closed raises InterfaceError (not a DatabaseError).
DATABASE_AWAY = (DatabaseError, InterfaceError)

State = OutgoingMessage.State
BATCH_SIZE = 50
# A claimed row whose task message was lost is claimed again after this.
CLAIM_LEASE = timedelta(seconds=50)
LOG_ENTRIES = 20


def send_lease() -> timedelta:
    """How long a worker may hold a row in ``sending``: past it the sweep settles the row."""
    return timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 20)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _log(row: OutgoingMessage, at: datetime, event: str, detail: str = "") -> list:
    entry = {"at": at.isoformat(timespec="seconds"), "event": event}
    if detail:
        entry["detail"] = detail[:500]
    return [*row.log, entry][-LOG_ENTRIES:]


# --- writing rows -----------------------------------------------------------------------------


def message_with_key(idempotency_key: str) -> OutgoingMessage | None:
    """The email an earlier request with this key made (keys carry the user: see
    ``accounts.idempotency``), or None."""
    return OutgoingMessage.objects.filter(idempotency_key=idempotency_key).first()


def _row(
    *,
    message: EmailMessage,
    kind: str,
    workspace: Workspace | None = None,
    about: str = "",
    idempotency_key: str | None = None,
    repeatable: bool = False,
) -> OutgoingMessage:
    """The unsaved outbox row of ``message``."""
    headers = {str(k): str(v) for k, v in message.extra_headers.items()}
    message_id = headers.pop("Message-ID", "") or make_msgid(domain=sender_domain())
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    attachments = [
        {"filename": filename, "content": content, "mimetype": mimetype}
        for filename, content, mimetype in message.attachments
    ]
    row = OutgoingMessage(
        workspace=workspace,
        kind=kind,
        about=about,
        idempotency_key=idempotency_key,
        repeatable=repeatable,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[str(address) for address in message.to],
        reply_to=[str(address) for address in message.reply_to],
        subject=str(message.subject),
        body=str(message.body),
        html=str(html),
        headers=headers,
        attachments=attachments,
        message_id=message_id,
    )
    row.log = _log(row, timezone.now(), "queued")
    return row


def message_queue(
    *,
    message: EmailMessage,
    kind: str,
    workspace: Workspace | None = None,
    about: str = "",
    idempotency_key: str | None = None,
    repeatable: bool = False,
    deliver_on_commit: bool = True,
) -> OutgoingMessage:
    """Write ``message`` to the outbox; it is sent once the caller's transaction commits.

    With an ``idempotency_key`` already used, nothing is written and the first row is
    returned: a double-click or a second tab makes one email. ``deliver_on_commit=False`` is
    for a worker that sends the row itself right after (the beat's claim is the safety net).
    """
    row = _row(
        message=message,
        kind=kind,
        workspace=workspace,
        about=about,
        idempotency_key=idempotency_key,
        repeatable=repeatable,
    )
    if idempotency_key:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return message_with_key(idempotency_key)
    else:
        row.save()
    if deliver_on_commit:
        pk = row.pk
        transaction.on_commit(lambda: _queue([pk]))
    return row


def messages_queue_taken(
    items: Sequence[dict],
) -> tuple[list[OutgoingMessage], list[OutgoingMessage]]:
    """Write many emails at once, each with its ``idempotency_key``, taken by this worker: for
    one that sends them itself right after (``messages_deliver(taken=...)``; nothing is queued
    on commit, the beat's sweep is the safety net).

    In the caller's transaction, which must wait for the disk, as ``_take``'s does and for the
    same reason. One INSERT whatever their number: the rows are written ``sending`` in their
    first attempt under one lease, as ``_take`` leaves the rows it takes, where writing them
    ``pending`` and then taking them took four statements and a second commit (issue 17).
    Each item holds ``message_queue``'s arguments. Returns the rows written, in ``items``'
    order, and the earlier rows of keys already used: those keep their first row, as with
    ``message_queue``, for ``messages_deliver(ids=...)`` to take if still ``pending``.
    """
    if not items:
        return [], []
    lease_until = timezone.now() + send_lease()
    rows = [_row(**item) for item in items]
    for row in rows:
        row.state, row.attempts, row.lease_until = State.SENDING, 1, lease_until
    ids = _insert_new(rows)
    taken = []
    for row in rows:
        if row.idempotency_key in ids:
            row.pk = ids[row.idempotency_key]
            row._state.adding = False
            taken.append(row)
    used = [row.idempotency_key for row in rows if row.idempotency_key not in ids]
    earlier = list(OutgoingMessage.objects.filter(idempotency_key__in=used)) if used else []
    return taken, earlier


def _insert_new(rows: Sequence[OutgoingMessage]) -> dict[str, int]:
    """INSERT ``rows`` in one statement but those whose key is used already: the new rows' ids
    by key.

    ``bulk_create(ignore_conflicts=True)`` returns no ids, and without it one used key would
    abort the batch: the statement written out, each value through its field as the ORM's
    INSERT does (``pre_save`` for the timestamps, then ``get_db_prep_save``)."""
    meta = OutgoingMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Column names from the model, values as placeholders.
    sql = (
        f"INSERT INTO {meta.db_table} ({columns}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key"
    )
    params = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: pk for pk, key in cursor.fetchall()}


def _queue(ids: list[int]) -> None:
    # Imported here, same app: the tasks module imports this one (a cycle inside accounts).
    from accounts import tasks

    try:
        tasks.outbox_deliver.delay(ids)
    except Exception:
        # The row is the truth: the beat's claim sends it within a minute anyway.
        logger.warning("Queueing outbox rows %s failed; the beat will pick them up", ids)


def email_for(row: OutgoingMessage) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        reply_to=row.reply_to or None,
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


# --- the beat's side --------------------------------------------------------------------------


def messages_claim_due(
    *, now: datetime | None = None, limit: int = 10_000, lease: timedelta = CLAIM_LEASE
) -> list[int]:
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutgoingMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return ids


def batches(ids: Sequence[int], size: int = BATCH_SIZE) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def messages_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Settle rows whose worker vanished, and give ambiguous repeatable rows their one resend."""
    now = now or timezone.now()
    counts = {"requeued": 0, "unknown": 0, "resent": 0}
    with transaction.atomic():
        expired = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True).filter(
                state=State.SENDING, lease_until__lt=now
            )
        )
        for row in expired:
            if row.data_sent_at is None and row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                row.state = State.FAILED
                row.reason = f"Gave up after {row.attempts} attempts: the worker kept stopping."
                row.log = _log(row, now, "failed", "worker lost before the message text")
            elif row.data_sent_at is None:
                # Nothing went past MAIL/RCPT: safe to try again.
                row.state = State.PENDING
                row.next_attempt_at = now
                row.log = _log(row, now, "requeued", "worker lost before the message text")
                counts["requeued"] += 1
            else:
                row.state = State.UNKNOWN
                row.reason = (
                    "The worker stopped after sending the message text; it may have arrived."
                )
                row.next_attempt_at = now + _unknown_delay()
                row.log = _log(row, now, "unknown", "lease expired after DATA")
                counts["unknown"] += 1
            row.lease_until = None
            row.save(update_fields=["state", "next_attempt_at", "reason", "log", "lease_until"])
        again = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True).filter(
                state=State.UNKNOWN, repeatable=True, resent=False, next_attempt_at__lte=now
            )
        )
        for row in again:
            row.state = State.PENDING
            row.resent = True
            row.next_attempt_at = now
            row.log = _log(row, now, "resend", "one more copy after an ambiguous send")
            row.save(update_fields=["state", "resent", "next_attempt_at", "log"])
            counts["resent"] += 1
    for row in expired:
        if row.state == State.UNKNOWN:
            _announce(row)
    return counts


def _unknown_delay() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS)


# --- the worker's side ------------------------------------------------------------------------
#
# What waits for the disk, and why (issue 17). A commit that waits for PostgreSQL's disk flush
# costs milliseconds; one with ``synchronous_commit = off`` returns as soon as the record is in
# PostgreSQL's WAL buffers, where any other session already sees it, and the disk has it within
# about 0.6 s (three ``wal_writer_delay``). A killed *worker* therefore loses nothing either way:
# only a crash of PostgreSQL itself (or of the machine) can lose such a commit. So a batch:
#
# - takes its rows ``pending`` → ``sending`` in one transaction that waits for the disk;
# - writes each row's ``data_sent_at`` waiting for the disk before its text leaves: that mark
#   is what keeps a row from being sent twice, whatever crashes (see "Data marks" below);
# - writes each row's outcome without waiting, but the last row's, which flushes the batch's.
#
# Should PostgreSQL crash mid-batch, the outcomes written since the last flush may be lost:
# this worker writes them again once the database is back (it still knows them); if the worker
# is gone too, those rows are ``sending`` with ``data_sent_at``, which the sweep calls
# ``unknown`` (the ambiguous case: a repeatable kind is resent once, marked), never a silent
# second copy. (For a few hours on 30 November the marks of repeatable rows did not wait: the
# exactly-once drill then saw a PostgreSQL crash resend 5 reminders unmarked.)
#
# Data marks. A row of a kind that is never sent twice by design (a thank-you to a contact) is
# marked alone, between the server's 354 and its text. Rows of repeatable kinds (reminders,
# digests) are marked up to ``MARK_GROUP`` at a time: when the first of them reaches its 354,
# one statement marks it and the next ones of the batch, one wait for the disk instead of ten
# (issue 17). A row marked ahead is a row whose text may not have left: if the worker dies
# before reaching it, the sweep finds it ``sending`` with ``data_sent_at`` and calls it
# ``unknown``, and being repeatable it is sent once more, marked: it arrives once. Never a
# silent second copy: every row whose text left was marked on disk first, and a row marked
# ahead goes out only within half its lease of the mark (the sweep settles nothing before the
# lease runs out); past that, its turn marks it again, which checks it is still ours.


@contextlib.contextmanager
def _commits_without_waiting():
    """``synchronous_commit = off`` for this connection, for the block's statements."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # A connection lost and opened again meanwhile is back to the default already.
        with contextlib.suppress(*DATABASE_AWAY), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _take(ids: Sequence[int], now: datetime) -> list[OutgoingMessage]:
    """pending → sending for the rows of ``ids`` no one else holds, under their row locks, in
    ``ids``' order: from here they are this worker's until ``lease_until`` (the batch's rows
    share one lease; ``_mark_data_sent`` checks the row is still ours before any message text
    goes out, so a lease run out never sends twice).

    One transaction. For a batch it waits for the disk, so that records written after it
    without waiting, if a crash loses them, fall back to ``sending`` (this worker's to write
    again) rather than ``pending``. A single row's next commit waits for the disk anyway and
    flushes this one first: that take does not wait.
    """
    lease_until = now + send_lease()
    with transaction.atomic():
        if len(set(ids)) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        rows = {
            row.pk: row
            for row in OutgoingMessage.objects.select_for_update(skip_locked=True).filter(
                pk__in=list(ids), state=State.PENDING
            )
        }
        if not rows:
            return []
        OutgoingMessage.objects.filter(pk__in=list(rows)).update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            lease_until=lease_until,
            data_sent_at=None,
        )
    for row in rows.values():
        row.state, row.lease_until, row.data_sent_at = State.SENDING, lease_until, None
        row.attempts += 1
    return [rows[pk] for pk in dict.fromkeys(ids) if pk in rows]


class LeaseLost(Exception):
    """The row is no longer this worker's (its lease ran out and the sweep settled it)."""


def _mark_data_sent(rows: Sequence[OutgoingMessage]) -> set[int]:
    """Write ``data_sent_at`` on ``rows`` before their text goes out, on those still ours:
    their ids.

    One statement, a transaction of its own that waits for the disk (``_MARK_SQL``). The lease
    starts again here, so that a row sent late in its batch has the whole lease for the worker
    to record the answer (or to come back to it after the database was away) before the sweep
    calls it ``unknown``, as when each row was taken just before it was sent.
    """
    now = timezone.now()
    lease_until = now + send_lease()
    ids = [row.pk for row in rows]
    attempts = [row.attempts for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SQL, [now, lease_until, ids, attempts, State.SENDING])
        marked = {pk for pk, _setting in cursor.fetchall()}
    for row in rows:
        if row.pk in marked:
            row.data_sent_at, row.lease_until = now, lease_until
    return marked


# The mark is on disk before the text leaves, whatever crashes: a row whose mark a crash of
# PostgreSQL lost would look never sent, and the sweep would send it a second time. The
# statement is its own transaction (the worker runs in autocommit), and ``set_config(...,
# true)`` turns ``synchronous_commit`` on for that transaction alone, so its commit waits for
# the disk: one round trip, where BEGIN, SET LOCAL, the UPDATE and COMMIT took four. The
# RETURNING runs for each row written, before the commit; a statement that writes no row has
# nothing to wait for. Each row only if it is still this attempt's and ``sending``.
_MARK_SQL = """
UPDATE accounts_outgoingmessage AS message SET data_sent_at = %s, lease_until = %s
FROM unnest(%s::bigint[], %s::integer[]) AS ours (id, attempts)
WHERE message.id = ours.id AND message.attempts = ours.attempts AND message.state = %s
RETURNING message.id, set_config('synchronous_commit', 'on', true)
"""
# Rows of repeatable kinds (reminders, digests) are marked up to this many at a time, in one
# wait for the disk, when the first of them reaches its text; a row of any other kind (a
# thank-you to a contact) is marked alone, just before its text. See "Data marks" above.
MARK_GROUP = 10


class _Marks:
    """The data marks of a batch, in its sending order (see "Data marks" above)."""

    def __init__(self, rows: Sequence[OutgoingMessage]):
        self.rows = list(rows)
        self.position = {row.pk: i for i, row in enumerate(self.rows)}
        self.ready: dict[int, datetime] = {}  # marked ahead: row id -> text may leave until

    def before_text(self, row: OutgoingMessage) -> None:
        """Called just before ``row``'s text leaves: raises LeaseLost unless it is marked."""
        until = self.ready.pop(row.pk, None)
        if until is not None and timezone.now() < until:
            return
        group = [row]
        if row.repeatable:
            for other in self.rows[self.position[row.pk] + 1 :]:
                if len(group) == MARK_GROUP or not other.repeatable:
                    break
                group.append(other)
        marked = _mark_data_sent(group)
        # Half the lease: the sweep settles a row only once its lease has run out, so a row
        # marked ahead is still this worker's for that long (with room for the clocks of the
        # worker and the beat to differ); past it, its turn marks it again, checking first.
        for other in group[1:]:
            if other.pk in marked:
                self.ready[other.pk] = other.lease_until - send_lease() / 2
        if row.pk not in marked:
            raise LeaseLost(f"outbox row {row.pk} is no longer this worker's")


def _apply(row: OutgoingMessage, outcome: transmit.Outcome, now: datetime) -> None:
    """Write the outcome, only if the row is still ours (``sending``)."""
    fields = {"last_reply": outcome.reply, "lease_until": None}
    if outcome.result == transmit.SENT:
        fields.update(state=State.SENT, sent_at=now, reason="")
        event = "sent"
    elif outcome.result == transmit.FAILED:
        fields.update(state=State.FAILED, reason=f"Refused: {outcome.reply}"[:500])
        event = "failed"
    elif outcome.result == transmit.UNKNOWN:
        fields.update(
            state=State.UNKNOWN,
            reason=f"No answer after the message text: {outcome.reply}"[:500],
            next_attempt_at=now + _unknown_delay(),
        )
        event = "unknown"
    elif row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        fields.update(
            state=State.FAILED,
            reason=f"Gave up after {row.attempts} attempts: {outcome.reply}"[:500],
        )
        event = "failed"
    else:
        fields.update(
            state=State.PENDING,
            next_attempt_at=now + backoff(row.attempts),
            reason=f"Will retry: {outcome.reply}"[:500],
        )
        event = "retry"
    # The usual case, the row still ours: one statement, one commit, no lock held across a
    # round trip. The time from the server's answer to this commit is the window in which a
    # killed worker leaves a delivered row to be guessed ``unknown``: it is kept this short.
    # Nobody else writes the row's log while it is ``sending`` within its lease (the sweep
    # changes its state first), so the log read when the row was taken is still current.
    fields["log"] = _log(row, now, event, outcome.reply)
    if _update_if_sending(row, fields) == 0:
        fields.pop("log")
        row = _apply_to_settled(row, outcome, fields, event, now)
        if row is None:
            return
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    if event in {"sent", "failed", "unknown"}:
        _announce(row)


def _update_if_sending(row: OutgoingMessage, fields: dict) -> int:
    """``fields`` written on ``row`` if it is still this attempt's and ``sending``: how many
    rows were (0 or 1).

    The queryset ``update()`` it stands for, written out: it runs once per message, and
    building the statement through the ORM cost more of the worker's time than PostgreSQL
    takes to run it (issue 17). Each value goes through its field, as ``update()`` does."""
    meta = OutgoingMessage._meta
    columns = [meta.get_field(name) for name in fields]
    # Column names from the model, values as placeholders.
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in columns)
    sql = f"UPDATE {meta.db_table} SET {assignments} WHERE id = %s AND attempts = %s AND state = %s"  # noqa: S608
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(columns, fields.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk, row.attempts, State.SENDING])
        return cursor.rowcount


def _apply_to_settled(row, outcome, fields: dict, event: str, now: datetime):
    """The row is no longer ``sending``: record what this worker heard if it still helps.

    Returns the row as written, or None when nothing was."""
    with transaction.atomic():
        # Still this attempt's row: sending, or settled by the sweep as unknown (or queued for
        # its one resend, not yet taken) while this worker waited for the database. What this
        # worker heard from the server is better than the sweep's guess, so it is recorded.
        current = (
            OutgoingMessage.objects.select_for_update()
            .filter(
                pk=row.pk,
                attempts=row.attempts,
                state__in=[State.SENDING, State.UNKNOWN, State.PENDING],
            )
            .first()
        )
        if current is None:  # settled for good, or taken again: that record stands
            logger.warning("Outbox row %s was settled while being sent (%s)", row.pk, outcome)
            return None
        if current.state != State.SENDING and outcome.result in {transmit.RETRY, transmit.UNKNOWN}:
            return None  # nothing better to say than the sweep did
        fields["log"] = _log(current, now, event, outcome.reply)
        OutgoingMessage.objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(current, name, value)
    return current


def _announce(row: OutgoingMessage) -> None:
    """Tell the apps above about a settled row (the privacy notice is marked sent on ``sent``).

    ``row`` holds what was just written: the receivers read it without another query."""
    try:
        signals.message_settled.send(sender=OutgoingMessage, message=row)
    except Exception:
        logger.exception("A receiver of outbox row %s failed", row.pk)


def _apply_patiently(row: OutgoingMessage, outcome: transmit.Outcome) -> bool:
    """Record the outcome even if the database is away for a while (it is the only record)."""
    deadline = time.monotonic() + settings.OUTBOX_RECORD_PATIENCE_SECONDS
    pause = 0.5
    while True:
        try:
            _apply(row, outcome, timezone.now())
            return True
        except DATABASE_AWAY:
            if time.monotonic() > deadline:
                logger.exception("Could not record outbox row %s: %s", row.pk, outcome)
                return False
            logger.warning("Database unavailable; recording outbox row %s again soon", row.pk)
            time.sleep(pause)
            pause = min(pause * 2, 10)
            with contextlib.suppress(*DATABASE_AWAY):
                connection.close()  # a new one is opened by the next query


def _send(row: OutgoingMessage, backend, marks: _Marks) -> transmit.Outcome:
    outcome = transmit.transmit(backend, email_for(row), lambda: marks.before_text(row))
    if not _apply_patiently(row, outcome):
        # The database stayed away past the patience: the rest of the batch is left to the
        # sweep (its rows are ``sending``: those without ``data_sent_at`` are sent again, those
        # marked ahead are ``unknown``; none twice unmarked).
        raise DatabaseError(f"outbox row {row.pk}: the outcome could not be recorded")
    return outcome


def _record_again(written: list[tuple[OutgoingMessage, transmit.Outcome]]) -> None:
    """The connection to PostgreSQL was lost mid-batch: the records written without waiting for
    the disk may have gone with it. Write again those that are missing, on the new connection,
    which waits for the disk: the row still this attempt's and ``sending``, or settled by the
    sweep meanwhile as ``unknown`` (or queued for its one resend, not yet taken), whose guess
    what this worker heard replaces (``_apply_to_settled``), so that a message that arrived
    is not sent again."""
    for row, outcome in written:
        try:
            missing = OutgoingMessage.objects.filter(
                pk=row.pk,
                attempts=row.attempts,
                state__in=[State.SENDING, State.UNKNOWN, State.PENDING],
            ).exists()
        except DATABASE_AWAY:
            missing = True  # _apply_patiently waits for the database
        if missing and not _apply_patiently(row, outcome):
            raise DatabaseError(f"outbox row {row.pk}: the outcome could not be recorded")


def messages_deliver(
    *, ids: Sequence[int] = (), taken: Sequence[OutgoingMessage] = ()
) -> dict[str, int]:
    """Send a batch over one connection; each row is its own attempt.

    ``ids`` are taken here: rows already sent, settled or held by another worker are skipped.
    ``taken`` are rows this worker already holds, as ``messages_queue_taken`` wrote them. See
    the comment above ``_commits_without_waiting`` for which of its commits wait for the disk.
    """
    rows = [*taken, *(_take(ids, timezone.now()) if ids else [])]
    if not rows:
        return {}
    backend = mailers.default
    counts: dict[str, int] = {}
    written: list[tuple[OutgoingMessage, transmit.Outcome]] = []
    marks = _Marks(rows)
    try:
        session = connection.connection
        with _commits_without_waiting():
            for row in rows[:-1]:
                outcome = _send(row, backend, marks)
                counts[outcome.result] = counts.get(outcome.result, 0) + 1
                if connection.connection is not session:
                    _record_again(written)
                    written = []
                    session = connection.connection
                written.append((row, outcome))
        # The last row's records wait for the disk, and with them every earlier one's.
        outcome = _send(rows[-1], backend, marks)
        counts[outcome.result] = counts.get(outcome.result, 0) + 1
        if connection.connection is not session:
            _record_again(written)
    finally:
        try:
            backend.close()
        except Exception:
            logger.info("Closing the mail connection failed", exc_info=True)
    return counts
