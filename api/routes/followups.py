"""Follow-ups: what is due, and the one-click actions of the follow-up pages."""

from datetime import UTC, datetime, timedelta
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accounts.scoping import get_for_workspace
from api import idempotency
from api.access import membership
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Key, paginate
from api.problems import ERRORS, ApiProblem
from api.schemas import ContactRef, In, Moment, UserRef, Ws
from contacts.models import Contact
from followups import selectors, services
from followups.models import FollowUp
from interviews.models import Interview

router = Router(tags=["follow-ups"])

Kind = Literal[tuple(FollowUp.Kind.values)]
Channel = Literal[tuple(FollowUp.Channel.values)]


class FollowUpOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    contact: ContactRef
    interview_id: int | None
    owner: UserRef | None
    due_at: datetime
    snoozed_until: datetime | None
    next_at: datetime = Field(..., description="When it next asks for attention.")
    done_at: datetime | None
    channel: str
    created_at: datetime

    @staticmethod
    def resolve_next_at(obj) -> datetime:
        return obj.effective_due_at


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    next_cursor: str | None


class FollowUpIn(In):
    contact_id: int
    kind: Kind = "custom"
    title: str = Field("", max_length=200)
    due_at: Moment = Field(
        ..., description="A moment with an offset (2026-05-01T09:00:00+01:00), years 1900 to 2999."
    )
    interview_id: int | None = None


class DoneIn(In):
    channel: Channel | Literal[""] = ""
    message: str = Field("", max_length=20_000)


class SnoozeIn(In):
    days: Literal[1, 3, 7] = Field(..., description="The snoozes the page offers.")


KEYS = [Key("next_at", kind="datetime"), Key("id", kind="int")]


def _followup(request, pk: int) -> FollowUp:
    queryset = FollowUp.objects.select_related("contact", "owner", "interview")
    return get_for_workspace(queryset, request.workspace, pk=pk)


def _problem(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        422, message, errors=[{"location": field, "message": message, "type": "invalid"}]
    )


@router.get("/follow-ups", response={200: FollowUpPage, **ERRORS})
def followup_list(
    request,
    ws: Ws,
    due_before: Moment | None = None,
    who: Literal["me", "all"] = "me",
    cursor: str | None = Query(None, max_length=2000),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """Pending follow-ups, the most pressing first (a snoozed one counts from its snooze's end).

    ``due_before`` (a moment with an offset) keeps those due before it; ``who=all`` lists
    everyone's in a team workspace; the default is the caller's own.
    """
    membership(request, ws)
    if due_before is not None and due_before.tzinfo is None:
        raise _problem("due_before", "Give due_before with an offset (…+00:00 or …Z).")
    everyone = who == "all" and request.workspace.is_team
    followups = selectors.followups_pending(
        workspace=request.workspace,
        owner=None if everyone else request.auth.user,
        end=due_before,
    )
    return paginate(followups, KEYS, cursor=cursor, limit=limit)


@router.post("/follow-ups", response={201: FollowUpOut, **ERRORS})
def followup_create(request, ws: Ws, payload: FollowUpIn):
    membership(request, ws, write=True)
    if payload.due_at.tzinfo is None:
        raise _problem("due_at", "Give due_at with an offset (…+00:00 or …Z).")
    contact = Contact.objects.filter(
        workspace=request.workspace, pk=payload.contact_id, archived_at=None
    ).first()
    if contact is None:
        raise _problem("contact_id", "No such contact in this workspace.")
    interview = None
    if payload.interview_id is not None:
        interview = Interview.objects.filter(
            workspace=request.workspace, pk=payload.interview_id, contact=contact
        ).first()
        if interview is None:
            raise _problem("interview_id", "No such interview with this contact.")
    if payload.kind in {FollowUp.Kind.THANK_YOU, FollowUp.Kind.KEEP_IN_TOUCH}:
        raise _problem("kind", "Thank-yous and keep-in-touch follow-ups open by themselves.")
    idempotency.claim(request, request.membership)
    followup = services.followup_create(
        workspace=request.workspace,
        contact=contact,
        owner=request.auth.user,
        kind=payload.kind,
        due_at=payload.due_at.astimezone(UTC),
        title=payload.title,
        interview=interview,
    )
    return Status(201, _followup(request, followup.pk))


@router.get("/follow-ups/{followup_id}", response={200: FollowUpOut, **ERRORS})
def followup_detail(request, ws: Ws, followup_id: int):
    membership(request, ws)
    return _followup(request, followup_id)


@router.post("/follow-ups/{followup_id}/done", response={200: FollowUpOut, **ERRORS})
def followup_done(request, ws: Ws, followup_id: int, payload: DoneIn):
    """Done: it counts as an interaction, so the person's keep-in-touch moves on."""
    membership(request, ws, write=True)
    services.followup_done(
        followup=_followup(request, followup_id), channel=payload.channel, message=payload.message
    )
    return _followup(request, followup_id)


@router.post("/follow-ups/{followup_id}/skip", response={200: FollowUpOut, **ERRORS})
def followup_skip(request, ws: Ws, followup_id: int):
    membership(request, ws, write=True)
    services.followup_skip(followup=_followup(request, followup_id))
    return _followup(request, followup_id)


@router.post("/follow-ups/{followup_id}/snooze", response={200: FollowUpOut, **ERRORS})
def followup_snooze(request, ws: Ws, followup_id: int, payload: SnoozeIn):
    membership(request, ws, write=True)
    until = timezone.now() + timedelta(days=payload.days)
    services.followup_snooze(followup=_followup(request, followup_id), until=until)
    return _followup(request, followup_id)
