"""Writes of the follow-ups app: opening, closing and moving follow-ups, and their reminders.

Every change that makes a reminder due writes the reminder row in the same transaction
(``_reminders_sync``), so a reminder can be neither lost to a crash between the two writes nor
queued for a change that rolled back.
"""

from datetime import datetime, timedelta
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OutgoingMessage, User, Workspace
from accounts.outbox import message_queue, message_with_key
from accounts.versions import data_changed
from contacts.models import Contact
from followups import mail_hooks, signals
from followups.emails import DEFAULT_TEMPLATES, html_body
from followups.models import EmailTemplate, FollowUp, Reminder
from infoview.mail import sender_domain

PENDING = FollowUp.PENDING_STATUSES


def workspace_defaults(*, workspace: Workspace) -> None:
    """Give a new workspace the default email templates (idempotent)."""
    for kind, name, subject, body in DEFAULT_TEMPLATES:
        EmailTemplate.objects.get_or_create(
            workspace=workspace,
            kind=kind,
            name=str(name),
            defaults={"subject": str(subject), "body": str(body)},
        )


# --- reminder rows --------------------------------------------------------------------------


def _reminders_sync(followup: FollowUp) -> None:
    """Make the follow-up's pending reminder rows match its state and due time.

    Only thank-yous are reminded one by one (the rest go in the daily digest). A row already
    sent is never touched again, so moving a follow-up back to a time it was already
    reminded at does not remind twice.
    """
    if followup.kind != FollowUp.Kind.THANK_YOU:
        # Rows are made below for thank-yous only, and a follow-up's kind never changes: a
        # snoozed advice or a moved keep-in-touch has none to cancel (one UPDATE saved).
        return
    if not followup.is_pending or followup.owner_id is None:
        Reminder.objects.filter(followup=followup, state=Reminder.State.PENDING).update(
            state=Reminder.State.CANCELLED, reason="closed"
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _REMINDER_AT_DUE,
            {
                "followup": followup.pk,
                "user": followup.owner_id,
                "kind": Reminder.Kind.THANK_YOU.value,
                "due": followup.effective_due_at,
                "pending": Reminder.State.PENDING.value,
                "cancelled": Reminder.State.CANCELLED.value,
                "now": timezone.now(),
            },
        )


# A thank-you's reminder rows made to match its due time in one statement (each snooze of one
# writes them), where the ORM took four or five (the cancelling UPDATE, get_or_create's SELECT
# and its INSERT in a savepoint, and an UPDATE to revive a cancelled row): the pending rows at
# another time cancelled; the row at this time made pending (the model's defaults), or revived
# if it was cancelled; one already queued or sent is left as it is, so a follow-up moved back
# to a time it was reminded at is not reminded twice.
_REMINDER_AT_DUE = """
WITH cancelled AS (
    UPDATE followups_reminder SET state = %(cancelled)s, reason = 'rescheduled'
    WHERE followup_id = %(followup)s AND state = %(pending)s AND due_at <> %(due)s
)
INSERT INTO followups_reminder (
    user_id, followup_id, kind, due_at, local_date, state, next_attempt_at, attempts,
    last_error, sent_at, message_id, reason, outgoing_id, created_at
)
VALUES (
    %(user)s, %(followup)s, %(kind)s, %(due)s, NULL, %(pending)s, %(due)s, 0,
    '', NULL, '', '', NULL, %(now)s
)
ON CONFLICT (followup_id, kind, due_at) DO UPDATE
SET state = EXCLUDED.state, user_id = EXCLUDED.user_id,
    next_attempt_at = EXCLUDED.next_attempt_at, reason = ''
WHERE followups_reminder.state = %(cancelled)s
"""


# --- contracts with contacts and interviews -------------------------------------------------


def _keep_in_touch_move_sql() -> tuple[str, list[str]]:
    fields = FollowUp._meta.concrete_fields
    columns = ", ".join(f'"{f.column}"' for f in fields)
    # Names from the model's own metadata; every value is a parameter.
    sql = (
        f'UPDATE "{FollowUp._meta.db_table}" '  # noqa: S608
        'SET "due_at" = %s, "status" = %s, "snoozed_until" = NULL, "updated_at" = %s '
        'WHERE "contact_id" = %s AND "kind" = %s AND "status" IN %s '
        f"RETURNING {columns}"
    )
    return sql, [f.attname for f in fields]


_KEEP_IN_TOUCH_MOVE = _keep_in_touch_move_sql()


def _keep_in_touch_move(*, contact: Contact, due_at: datetime) -> FollowUp | None:
    """Move the contact's pending keep-in-touch (one at most: a unique constraint) to
    ``due_at``, open; None when there is none.

    One statement where the ORM took three (a locking SELECT, the save, the reminder sync):
    every note, logged email and interview moves it. The UPDATE locks the row as the SELECT
    FOR UPDATE did, and a keep-in-touch has no reminder rows to sync (``_reminders_sync``).
    """
    sql, attnames = _KEEP_IN_TOUCH_MOVE
    params = [due_at, FollowUp.Status.OPEN, timezone.now(), contact.pk]
    params += [FollowUp.Kind.KEEP_IN_TOUCH, tuple(PENDING)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else FollowUp.from_db("default", attnames, row)


def _keep_in_touch_open(*, contact: Contact, due_at: datetime) -> FollowUp | None:
    """Move the contact's pending keep-in-touch to ``due_at``, or open one there."""
    if contact.archived_at is not None or not contact.cadence_days:
        return None
    followup = _keep_in_touch_move(contact=contact, due_at=due_at)
    if followup is None:
        try:
            with transaction.atomic():
                # Made as it should be (open, due then, no snooze, no reminder rows yet): no
                # save or reminder sync after it.
                data_changed(workspace_id=contact.workspace_id)
                return FollowUp.objects.create(
                    workspace_id=contact.workspace_id,
                    contact=contact,
                    owner_id=contact.owner_id,
                    kind=FollowUp.Kind.KEEP_IN_TOUCH,
                    due_at=due_at,
                )
        except IntegrityError:
            # Another interaction opened it at the same moment: move that one instead.
            followup = _keep_in_touch_move(contact=contact, due_at=due_at)
            if followup is None:  # and closed it since
                return None
    data_changed(workspace_id=followup.workspace_id)
    return followup


# No savepoint of its own: inside a caller's transaction (an inbound email logged for each of
# its people) an error here undoes the caller's write anyway, and two round trips are saved.
@transaction.atomic(savepoint=False)
def keep_in_touch_reschedule(*, contact: Contact) -> FollowUp | None:
    """The contact's next keep-in-touch: last interaction + cadence.

    Creates it when none is pending; archived contacts and a cadence of 0 get none.
    """
    base = contact.last_interaction_at or timezone.now()
    return _keep_in_touch_open(contact=contact, due_at=base + timedelta(days=contact.cadence_days))


def contact_record_interaction(*, contact: Contact, at: datetime) -> Contact:
    """An interaction with this person happened at ``at``: the one entry point for it.

    Apps below followups announce an interaction with ``contacts.signals.interaction_happened``,
    whose receiver calls this. The conditional UPDATE keeps the latest time even when two
    interactions are logged at once or out of order; then the keep-in-touch follow-up moves to
    the new due date.
    """
    # One statement that keeps the later time and says which it is (GREATEST skips a NULL).
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "contacts_contact" '
            'SET "last_interaction_at" = GREATEST("last_interaction_at", %s) '
            'WHERE "id" = %s RETURNING "last_interaction_at"',
            [at, contact.pk],
        )
        row = cursor.fetchone()
    if row is None:  # deleted meanwhile
        return contact
    contact.last_interaction_at = row[0]
    keep_in_touch_reschedule(contact=contact)
    return contact


@transaction.atomic
def followup_open_thank_you(*, interview) -> FollowUp:
    """The thank-you of a completed interview, due the workspace's delay after the
    conversation ended (not after the click that marked it done), idempotent."""
    workspace = interview.workspace
    clicked = interview.completed_at or timezone.now()
    # Marked done during the slot: it ended then; marked the day after: it ended at the slot's end.
    completed_at = min(interview.ends_at, clicked) if interview.ends_at else clicked
    contact = interview.contact
    followup, created = FollowUp.objects.get_or_create(
        interview=interview,
        kind=FollowUp.Kind.THANK_YOU,
        defaults={
            "workspace": workspace,
            "contact": contact,
            "owner_id": interview.owner_id or contact.owner_id,
            "title": _("Thank %(name)s") % {"name": contact.first_name},
            "due_at": completed_at + timedelta(hours=workspace.thank_you_delay_hours),
        },
    )
    if created:
        data_changed(workspace_id=followup.workspace_id)
        _reminders_sync(followup)
    return followup


# --- the user's actions ---------------------------------------------------------------------


def _lock(followup: FollowUp, *, contact: bool = True) -> FollowUp:
    """The follow-up's row again, locked; with its person unless ``contact=False`` (a snooze
    or reopen reads nothing of them: a join and an instance of the widest row saved)."""
    queryset = FollowUp.objects.select_for_update()
    if contact:
        queryset = queryset.select_related("contact")
    return queryset.get(pk=followup.pk)


@transaction.atomic
def followup_create(
    *,
    workspace: Workspace,
    contact: Contact,
    owner: User | None,
    kind: str,
    due_at: datetime,
    title: str = "",
    interview=None,
) -> FollowUp:
    followup = FollowUp(
        workspace=workspace,
        contact=contact,
        owner=owner,
        kind=kind,
        due_at=due_at,
        title=title.strip(),
        interview=interview,
    )
    followup.full_clean(exclude=["workspace", "contact", "owner", "interview"])
    pending = FollowUp.objects.filter(contact=contact, kind=kind, status__in=PENDING)
    if kind == FollowUp.Kind.KEEP_IN_TOUCH and pending.exists():
        raise ValidationError({"kind": _("This contact already has a pending keep-in-touch.")})
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError as error:  # the same follow-up, added at the same moment
        raise ValidationError(_("This follow-up already exists.")) from error
    data_changed(workspace_id=followup.workspace_id)
    _reminders_sync(followup)
    return followup


@transaction.atomic
def followup_done(
    *,
    followup: FollowUp,
    at: datetime | None = None,
    channel: str = "",
    message: str = "",
    subject: str = "",
    message_id: str = "",
) -> FollowUp:
    """Close it as done; it counts as an interaction, so the keep-in-touch moves on."""
    followup = _lock(followup)
    if not followup.is_pending:
        return followup
    at = at or timezone.now()
    followup.status = FollowUp.Status.DONE
    followup.done_at = at
    followup.snoozed_until = None
    followup.channel = channel or followup.channel
    followup.message = message or followup.message
    followup.subject = subject or followup.subject
    followup.message_id = message_id or followup.message_id
    followup.save(
        update_fields=[
            "updated_at",
            "status",
            "done_at",
            "snoozed_until",
            "channel",
            "message",
            "subject",
        ]
        + ["message_id"]
    )
    data_changed(workspace_id=followup.workspace_id)
    _reminders_sync(followup)
    contact_record_interaction(contact=followup.contact, at=at)
    signals.followup_done.send(sender=FollowUp, followup=followup)
    return followup


@transaction.atomic
def followup_skip(*, followup: FollowUp) -> FollowUp:
    """Close it without doing it. A skipped keep-in-touch comes back one cadence later."""
    followup = _lock(followup)
    if not followup.is_pending:
        return followup
    followup.status = FollowUp.Status.SKIPPED
    followup.snoozed_until = None
    followup.done_at = timezone.now()
    followup.save(update_fields=["updated_at", "status", "snoozed_until", "done_at"])
    data_changed(workspace_id=followup.workspace_id)
    _reminders_sync(followup)
    if followup.kind == FollowUp.Kind.KEEP_IN_TOUCH:
        contact = followup.contact
        _keep_in_touch_open(
            contact=contact, due_at=timezone.now() + timedelta(days=contact.cadence_days)
        )
    return followup


@transaction.atomic
def followup_snooze(*, followup: FollowUp, until: datetime) -> FollowUp:
    followup = _lock(followup, contact=False)
    if not followup.is_pending:
        return followup
    followup.status = FollowUp.Status.SNOOZED
    followup.snoozed_until = until
    followup.save(update_fields=["updated_at", "status", "snoozed_until"])
    data_changed(workspace_id=followup.workspace_id)
    _reminders_sync(followup)
    return followup


@transaction.atomic
def followup_reopen(*, followup: FollowUp) -> FollowUp:
    """Undo a done/skip/snooze click."""
    followup = _lock(followup, contact=False)
    if followup.status == FollowUp.Status.OPEN:
        return followup
    if followup.kind == FollowUp.Kind.KEEP_IN_TOUCH and followup.status != FollowUp.Status.SNOOZED:
        # The contact has a newer pending keep-in-touch already; keep that one.
        return followup
    followup.status = FollowUp.Status.OPEN
    followup.snoozed_until = None
    followup.done_at = None
    followup.save(update_fields=["updated_at", "status", "snoozed_until", "done_at"])
    data_changed(workspace_id=followup.workspace_id)
    _reminders_sync(followup)
    return followup


# --- sending a follow-up from Infoview ------------------------------------------------------


def _sender_address(sender: User) -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    display = _("%(name)s via Infoview") % {"name": sender.name or sender.email}
    return str(Address(display_name=display, addr_spec=address))


def followup_about(followup: FollowUp) -> str:
    """How the outbox names this follow-up (``OutgoingMessage.about``)."""
    return f"followups.followup:{followup.pk}"


OUTGOING_KIND = "followup"
IN_FLIGHT = (OutgoingMessage.State.PENDING, OutgoingMessage.State.SENDING)


@transaction.atomic
def followup_send_email(
    *, followup: FollowUp, sender: User, to: str, subject: str, body: str, idempotency_key: str
) -> tuple[OutgoingMessage | None, bool]:
    """Queue the email (plain text and HTML) in the outbox; the worker sends it.

    The follow-up is locked first, and an email of it already queued or being sent is
    returned instead of a second one, as is the email an earlier submit of the same form made
    (``idempotency_key``): a double-click or a second tab sends once. The follow-up is marked
    done when the mail server accepts the email (``followup_email_settled``). Returns the
    email and whether this call queued it.
    """
    earlier = message_with_key(idempotency_key)
    if earlier is not None:
        return earlier, False
    followup = _lock(followup)
    about = followup_about(followup)
    in_flight = OutgoingMessage.objects.filter(about=about, state__in=IN_FLIGHT).first()
    if in_flight is not None or not followup.is_pending:
        return in_flight or OutgoingMessage.objects.filter(about=about).first(), False
    # Footers from the apps above (the privacy notice), marked sent once the email has gone.
    footers = mail_hooks.footers_for(followup.contact)
    if footers:
        body = f"{body.rstrip()}\n\n-- \n" + "\n".join(text for _provider, text in footers)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=_sender_address(sender),
        to=[to],
        reply_to=[sender.email],
        headers={"Message-ID": make_msgid(domain=sender_domain())},
    )
    message.attach_alternative(html_body(body), "text/html")
    outgoing = message_queue(
        message=message,
        kind=OUTGOING_KIND,
        workspace=followup.workspace,
        about=about,
        idempotency_key=idempotency_key,
    )
    return outgoing, True


def followup_email_settled(*, message: OutgoingMessage) -> None:
    """The outbox settled an email of a follow-up: once accepted, the follow-up is done.

    A failed or unknown email leaves the follow-up open; its page says what happened.
    """
    if message.kind != OUTGOING_KIND or message.state != OutgoingMessage.State.SENT:
        return
    pk = message.about.rpartition(":")[2]
    followup = FollowUp.objects.select_related("contact").filter(pk=pk).first()
    if followup is None:
        return
    with transaction.atomic():
        footers = mail_hooks.footers_for(followup.contact)
        mail_hooks.footers_mark_sent(footers, followup.contact)
        followup_done(
            followup=followup,
            at=message.sent_at,
            channel=FollowUp.Channel.EMAIL,
            message=message.body,
            subject=message.subject,
            message_id=message.message_id,
        )
