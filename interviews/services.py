"""Writes of the interviews app: scheduling, status changes, the conversation record."""

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OutgoingMessage, Workspace
from accounts.outbox import message_queue, message_with_key
from accounts.versions import data_changed
from contacts import services as contact_services
from contacts.models import Contact
from contacts.signals import interaction_happened
from interviews import defaults, ics, signals
from interviews.markup import render_markdown
from interviews.models import (
    Assessment,
    CalendarToken,
    Interview,
    InterviewQuestion,
    InterviewText,
    Note,
    Objective,
    PrepItem,
    PrepTemplateItem,
    Question,
)
from interviews.signals import interview_completed

SCHEDULE_FIELDS = ("starts_at", "time_zone", "duration_minutes")
# Changes a calendar that already holds the event must notice (RFC 5545 SEQUENCE).
CALENDAR_FIELDS = (*SCHEDULE_FIELDS, "mode", "location", "meeting_url", "purpose")


class InterviewClosed(ValidationError):
    pass


def workspace_defaults(*, workspace: Workspace) -> None:
    """Seed the question bank and the prep checklist template; harmless when run again."""
    team = workspace.is_team
    if not Question.objects.filter(workspace=workspace).exists():
        Question.objects.bulk_create(
            [
                Question(workspace=workspace, category=category, text=str(text))
                for category, text in defaults.questions(team=team)
            ],
            ignore_conflicts=True,
        )
    if not PrepTemplateItem.objects.filter(workspace=workspace).exists():
        PrepTemplateItem.objects.bulk_create(
            [
                PrepTemplateItem(workspace=workspace, text=str(text), position=index)
                for index, text in enumerate(defaults.prep_items(team=team))
            ]
        )


def _next_position(queryset) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


@transaction.atomic
def interview_create(
    *, workspace: Workspace, owner, contact, starts_at: datetime | None = None, **fields
) -> Interview:
    """A new interview with the workspace's prep checklist copied into it."""
    if contact.workspace_id != workspace.pk:
        raise ValidationError(_("That contact is not in this workspace."))
    now = timezone.now()
    interview = Interview(
        workspace=workspace, owner=owner, contact=contact, starts_at=starts_at, **fields
    )
    if starts_at is not None:
        interview.status = Interview.Status.SCHEDULED
        interview.scheduled_at = now
    interview.full_clean()
    interview.save()
    data_changed(workspace_id=workspace.pk)
    InterviewText.objects.create(workspace=workspace, interview=interview)
    PrepItem.objects.bulk_create(
        [
            PrepItem(workspace=workspace, interview=interview, text=item.text, position=index)
            for index, item in enumerate(PrepTemplateItem.objects.filter(workspace=workspace))
        ]
    )
    if interview.status == Interview.Status.SCHEDULED:
        signals.interview_scheduled.send(sender=Interview, interview=interview)
    return interview


@transaction.atomic
def interview_create_with_new_contact(
    *,
    workspace: Workspace,
    owner,
    first_name: str,
    last_name: str = "",
    email: str = "",
    **fields,
) -> Interview:
    """An interview with someone not yet in the contacts: both rows, or neither."""
    extra = {"emails": [email]} if email else {}
    contact = contact_services.contact_create(
        workspace=workspace, owner=owner, first_name=first_name, last_name=last_name, **extra
    )
    return interview_create(workspace=workspace, owner=owner, contact=contact, **fields)


@transaction.atomic
def interview_update(*, interview: Interview, **fields) -> Interview:
    """Change the details; a closed interview's schedule stays as it happened."""
    contact = fields.get("contact")
    if contact is not None and contact.workspace_id != interview.workspace_id:
        raise ValidationError(_("That contact is not in this workspace."))
    changed = [name for name, value in fields.items() if getattr(interview, name) != value]
    if not interview.is_open and any(name in SCHEDULE_FIELDS for name in changed):
        raise InterviewClosed(
            _("This interview is %(status)s: its time can no longer be changed.")
            % {"status": interview.get_status_display().lower()}
        )
    for name in changed:
        setattr(interview, name, fields[name])
    update = [*changed]
    if any(name in CALENDAR_FIELDS for name in changed):
        interview.sequence += 1
        update.append("sequence")
    if interview.status == Interview.Status.PLANNED and interview.starts_at is not None:
        interview.status = Interview.Status.SCHEDULED
        interview.scheduled_at = timezone.now()
        update += ["status", "scheduled_at"]
    interview.full_clean()
    if update:
        interview.save(update_fields=[*update, "updated_at"])
        data_changed(workspace_id=interview.workspace_id)
    if "starts_at" in update and interview.status == Interview.Status.SCHEDULED:
        signals.interview_scheduled.send(sender=Interview, interview=interview)
    return interview


def _require_open(interview: Interview) -> None:
    if not interview.is_open:
        raise InterviewClosed(
            _("This interview is already %(status)s.")
            % {"status": interview.get_status_display().lower()}
        )


@transaction.atomic
def interview_complete(*, interview: Interview, completed_at: datetime) -> Interview:
    """Mark done, log the interaction on the contact and open the thank-you follow-up.

    The receivers (followups) run inside this transaction: if one fails, nothing is kept.
    """
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    _require_open(interview)
    if interview.starts_at is not None and interview.starts_at > completed_at:
        raise ValidationError(_("This interview has not taken place yet."))
    interview.status = Interview.Status.COMPLETED
    interview.completed_at = completed_at
    interview.save(update_fields=["status", "completed_at", "updated_at"])
    data_changed(workspace_id=interview.workspace_id)
    interaction_happened.send(sender=Interview, contact=interview.contact, at=completed_at)
    interview_completed.send(sender=Interview, interview=interview)
    return interview


@transaction.atomic
def interview_cancel(*, interview: Interview, reason: str = "") -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    _require_open(interview)
    interview.status = Interview.Status.CANCELLED
    interview.cancelled_at = timezone.now()
    interview.status_reason = reason.strip()
    # Calendars drop the event only when they see STATUS:CANCELLED with a higher SEQUENCE.
    interview.sequence += 1
    interview.save(
        update_fields=["status", "cancelled_at", "status_reason", "sequence", "updated_at"]
    )
    data_changed(workspace_id=interview.workspace_id)
    signals.interview_cancelled.send(sender=Interview, interview=interview)
    return interview


@transaction.atomic
def interview_no_show(*, interview: Interview, reason: str = "") -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    _require_open(interview)
    interview.status = Interview.Status.NO_SHOW
    interview.no_show_at = timezone.now()
    interview.status_reason = reason.strip()
    interview.save(update_fields=["status", "no_show_at", "status_reason", "updated_at"])
    data_changed(workspace_id=interview.workspace_id)
    return interview


def interview_text(*, interview: Interview) -> InterviewText:
    text, _created = InterviewText.objects.get_or_create(
        interview=interview, defaults={"workspace": interview.workspace}
    )
    return text


def interview_text_save(*, interview: Interview, field: str, value: str) -> InterviewText:
    """Autosave of the research or the running notes; the last keystroke wins."""
    if field not in {"research", "scratch"}:
        raise ValueError(field)
    text = interview_text(interview=interview)
    setattr(text, field, value)
    text.save(update_fields=[field, "updated_at"])
    return text


# --- Objectives ---------------------------------------------------------------------------


def objective_add(*, interview: Interview, text: str) -> Objective:
    objective = Objective(
        workspace=interview.workspace,
        interview=interview,
        text=text.strip(),
        position=_next_position(interview.objectives.all()),
    )
    objective.full_clean()
    objective.save()
    return objective


def objective_update(*, objective: Objective, **fields) -> Objective:
    for name, value in fields.items():
        setattr(objective, name, value)
    objective.full_clean()
    objective.save(update_fields=list(fields))
    data_changed(workspace_id=objective.workspace_id)
    return objective


def objective_toggle_met(*, objective: Objective) -> Objective:
    objective.met_at = None if objective.met_at else timezone.now()
    objective.save(update_fields=["met_at"])
    return objective


@transaction.atomic
def objective_move(*, objective: Objective, up: bool) -> None:
    """Swap with the neighbour above or below; positions are renumbered 0..n-1 first."""
    siblings = list(
        Objective.objects.select_for_update().filter(interview_id=objective.interview_id)
    )
    index = next(i for i, row in enumerate(siblings) if row.pk == objective.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, row in enumerate(siblings):
        row.position = position
    Objective.objects.bulk_update(siblings, ["position"])


def objective_delete(*, objective: Objective) -> None:
    objective.delete()
    data_changed(workspace_id=objective.workspace_id)


# --- Questions ----------------------------------------------------------------------------


@transaction.atomic
def questions_pick(*, interview: Interview, questions) -> list[InterviewQuestion]:
    """Copy bank questions into the interview, skipping any already there."""
    taken = set(interview.questions.exclude(source=None).values_list("source_id", flat=True))
    position = _next_position(interview.questions.all())
    rows = []
    for question in questions:
        if question.workspace_id != interview.workspace_id or question.pk in taken:
            continue
        rows.append(
            InterviewQuestion(
                workspace=interview.workspace,
                interview=interview,
                source=question,
                category=question.category,
                text=question.text,
                position=position,
            )
        )
        position += 1
    return InterviewQuestion.objects.bulk_create(rows)


def question_add_one_off(*, interview: Interview, text: str) -> InterviewQuestion:
    question = InterviewQuestion(
        workspace=interview.workspace,
        interview=interview,
        text=text.strip(),
        position=_next_position(interview.questions.all()),
    )
    question.full_clean()
    question.save()
    return question


def question_delete(*, question: InterviewQuestion) -> None:
    question.delete()


def question_answer(*, question: InterviewQuestion, answer: str) -> InterviewQuestion:
    question.answer = answer
    question.save(update_fields=["answer"])
    return question


def bank_question_add(*, workspace: Workspace, category: str, text: str) -> Question:
    question = Question(workspace=workspace, category=category, text=text.strip())
    question.full_clean()
    question.save()
    return question


def bank_question_delete(*, question: Question) -> None:
    """Out of the bank; interviews that already picked it keep their copy."""
    question.delete()


# --- Prep checklist -----------------------------------------------------------------------


def prep_item_toggle(*, item: PrepItem) -> PrepItem:
    # One UPDATE that flips whatever is stored, so two quick clicks cannot both see "not done".
    PrepItem.objects.filter(pk=item.pk, done_at=None).update(done_at=timezone.now())
    if item.done_at is not None:
        PrepItem.objects.filter(pk=item.pk, done_at=item.done_at).update(done_at=None)
    item.refresh_from_db(fields=["done_at"])
    data_changed(workspace_id=item.workspace_id)  # the home's readiness badges
    return item


def prep_item_add(*, interview: Interview, text: str) -> PrepItem:
    item = PrepItem(
        workspace=interview.workspace,
        interview=interview,
        text=text.strip(),
        position=_next_position(interview.prep_items.all()),
    )
    item.full_clean()
    item.save()
    data_changed(workspace_id=item.workspace_id)  # the home's readiness badges
    return item


def prep_template_item_add(*, workspace: Workspace, text: str) -> PrepTemplateItem:
    item = PrepTemplateItem(
        workspace=workspace,
        text=text.strip(),
        position=_next_position(PrepTemplateItem.objects.filter(workspace=workspace)),
    )
    item.full_clean()
    item.save()
    return item


def prep_template_item_delete(*, item: PrepTemplateItem) -> None:
    item.delete()


# --- Notes, people to meet next, assessment -----------------------------------------------


@transaction.atomic
def note_add(
    *, interview: Interview, author, kind: str, body: str, objective: Objective | None = None
) -> Note:
    if objective is not None and objective.interview_id != interview.pk:
        raise ValidationError(_("That objective belongs to another interview."))
    note = Note(
        workspace=interview.workspace,
        interview=interview,
        author=author,
        kind=kind,
        body=body.strip(),
        objective=objective,
    )
    # The related rows were read in this request (the interview through the workspace's scope,
    # the author signed in, the objective checked above) and the foreign keys hold them: their
    # existence is not asked again, three SELECTs a note.
    note.full_clean(exclude=["workspace", "interview", "author", "objective"])
    note.body_html = render_markdown(note.body)
    note.save()
    data_changed(workspace_id=note.workspace_id)
    interaction_happened.send(sender=Note, contact=interview.contact, at=note.created_at)
    return note


def note_delete(*, note: Note) -> None:
    note.delete()
    data_changed(workspace_id=note.workspace_id)


@transaction.atomic
def person_to_meet_add(
    *, interview: Interview, owner, first_name: str, last_name: str = "", **fields
):
    """A contact the interviewee suggested meeting, introduced by them."""
    fields.setdefault("source", Contact.Source.REFERRAL)
    return contact_services.contact_create(
        workspace=interview.workspace,
        owner=owner,
        first_name=first_name,
        last_name=last_name,
        introduced_by=interview.contact,
        **fields,
    )


def assessment_save(*, interview: Interview, assessed_by, **fields) -> Assessment:
    if not interview.workspace.is_team:
        raise ValidationError(_("Only team workspaces assess conversations."))
    fields["skills"] = sorted({s.strip().lower() for s in fields.get("skills", []) if s.strip()})
    assessment = Assessment.objects.filter(interview=interview).first() or Assessment(
        workspace=interview.workspace, interview=interview
    )
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.assessed_by = assessed_by
    assessment.full_clean()
    assessment.save()
    data_changed(workspace_id=assessment.workspace_id)
    return assessment


# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_token_regenerate(*, user) -> CalendarToken:
    """A new secret for the user's feed; the old URL stops working at once."""
    calendar_token_revoke(user=user)
    return CalendarToken.objects.create(user=user, token=secrets.token_urlsafe(32))


def calendar_token_revoke(*, user) -> None:
    CalendarToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def interview_about(interview: Interview) -> str:
    """How the outbox names this interview (``OutgoingMessage.about``)."""
    return f"interviews.interview:{interview.pk}"


INVITATION_KIND = "interview_invitation"
CANCELLATION_KIND = "interview_cancellation"
IN_FLIGHT = (OutgoingMessage.State.PENDING, OutgoingMessage.State.SENDING)


def _email_contact(
    *, interview: Interview, subject: str, template: str, method: str, kind: str, key: str
) -> OutgoingMessage:
    context = {"interview": interview, "contact": interview.contact}
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[interview.contact.primary_email],
        reply_to=[interview.owner.email] if interview.owner else None,
    )
    body = ics.interview_invitation if method == "REQUEST" else ics.interview_cancellation
    message.attach("invite.ics", body(interview), f"text/calendar; method={method}; charset=utf-8")
    return message_queue(
        message=message,
        kind=kind,
        workspace=interview.workspace,
        about=interview_about(interview),
        idempotency_key=key,
    )


@transaction.atomic
def interview_send_invitation(
    *, interview: Interview, idempotency_key: str
) -> tuple[OutgoingMessage, bool]:
    """Queue an invitation to the contact with the event attached (METHOD:REQUEST).

    The interview is locked first; an invitation already on its way, or the one an earlier
    submit of the same form made, is returned instead of a second one. Returns the email and
    whether this call queued it.
    """
    earlier = message_with_key(idempotency_key)
    if earlier is not None:
        return earlier, False
    interview = Interview.objects.select_for_update().select_related("contact").get(pk=interview.pk)
    if not interview.contact.primary_email:
        raise ValidationError(_("This contact has no email address."))
    if interview.starts_at is None or not interview.is_open:
        raise ValidationError(_("Only a scheduled interview can be sent as an invitation."))
    in_flight = OutgoingMessage.objects.filter(
        about=interview_about(interview), kind=INVITATION_KIND, state__in=IN_FLIGHT
    ).first()
    if in_flight is not None:
        return in_flight, False
    outgoing = _email_contact(
        interview=interview,
        subject=_("Invitation: conversation with %(name)s")
        % {"name": interview.owner or interview.workspace},
        template="interviews/email/invitation.txt",
        method="REQUEST",
        kind=INVITATION_KIND,
        key=idempotency_key,
    )
    interview.invited_at = timezone.now()
    interview.save(update_fields=["invited_at"])
    return outgoing, True


@transaction.atomic
@transaction.atomic
def interview_cancel_and_tell(*, interview: Interview, reason: str = "") -> bool:
    """Cancel and queue the invited contact's cancellation email in one transaction, so that a
    request that dies between the two cannot leave a cancelled interview whose contact is never
    told. True when an email was queued."""
    interview = interview_cancel(interview=interview, reason=reason)
    return interview_send_cancellation(interview=interview)


def interview_send_cancellation(*, interview: Interview) -> bool:
    """Queue word to an invited contact that the interview is off (METHOD:CANCEL).

    False if never invited. One cancellation per cancelled sequence: two cancels racing, or
    the page and the API, queue one email.
    """
    interview = Interview.objects.select_for_update().select_related("contact").get(pk=interview.pk)
    if interview.invited_at is None or not interview.contact.primary_email:
        return False
    if interview.status != Interview.Status.CANCELLED or interview.starts_at is None:
        return False
    key = f"{CANCELLATION_KIND}:{interview.pk}:{interview.sequence}"
    if message_with_key(key) is not None:
        return False
    _email_contact(
        interview=interview,
        subject=_("Cancelled: conversation with %(name)s")
        % {"name": interview.owner or interview.workspace},
        template="interviews/email/cancellation.txt",
        method="CANCEL",
        kind=CANCELLATION_KIND,
        key=key,
    )
    return True
