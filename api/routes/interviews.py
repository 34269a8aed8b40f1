"""Interviews and everything inside one: through the same services and rules as the pages."""

import zoneinfo
from datetime import UTC, datetime
from typing import Literal

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accounts.audit import audit_record
from accounts.models import TIME_ZONE_CHOICES
from accounts.scoping import get_for_workspace
from api import idempotency
from api.access import membership
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Key, paginate
from api.problems import ERRORS, ApiProblem
from api.schemas import ContactRef, In, Moment, UserRef, Ws
from contacts.models import Contact
from interviews import selectors, services
from interviews.models import (
    Assessment,
    Interview,
    InterviewQuestion,
    InterviewText,
    Note,
    Objective,
    PrepItem,
    Question,
    QuestionCategory,
)
from interviews.timezones import (
    EARLIER,
    LATER,
    AmbiguousLocalTime,
    NonexistentLocalTime,
    make_aware,
)

router = Router(tags=["interviews"])

ZONES = {name for name, _label in TIME_ZONE_CHOICES}
Mode = Literal[tuple(Interview.Mode.values)]
StatusName = Literal[tuple(Interview.Status.values)]
NoteKind = Literal[tuple(Note.Kind.values)]
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Score = int


# --- shapes ---------------------------------------------------------------------------------


class InterviewOut(Schema):
    id: int
    contact: ContactRef
    owner: UserRef | None
    status: str
    starts_at: datetime | None
    local_start: str | None = Field(None, description="The start on the clocks of time_zone.")
    time_zone: str
    duration_minutes: int
    mode: str
    location: str
    meeting_url: str
    purpose: str
    status_reason: str
    scheduled_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_local_start(obj) -> str | None:
        start = obj.planned_start
        return start.replace(tzinfo=None).isoformat() if start else None


class InterviewRow(InterviewOut):
    prep_total: int
    prep_done: int


class InterviewPage(Schema):
    items: list[InterviewRow]
    next_cursor: str | None


class ObjectiveOut(Schema):
    id: int
    position: int
    text: str
    met_at: datetime | None
    insight: str


class QuestionOut(Schema):
    id: int
    position: int
    category: str
    text: str
    answer: str
    bank_question_id: int | None = Field(None, alias="source_id")


class PrepItemOut(Schema):
    id: int
    position: int
    text: str
    done_at: datetime | None


class NoteOut(Schema):
    id: int
    kind: str
    body: str
    objective_id: int | None
    author_id: int | None
    created_at: datetime


class AssessmentOut(Schema):
    passion: int
    motivation: int
    cultural_fit: int
    skills: list[str]
    consider_for_future: bool
    roles_in_mind: str
    availability: str
    assessed_by_id: int | None
    updated_at: datetime


def _one(obj, name):
    """A reverse one-to-one row loaded with select_related, or None when there is none."""
    try:
        return getattr(obj, name)
    except (Assessment.DoesNotExist, InterviewText.DoesNotExist):
        return None


class InterviewDetail(InterviewOut):
    objectives: list[ObjectiveOut]
    questions: list[QuestionOut]
    prep_items: list[PrepItemOut]
    notes: list[NoteOut]
    assessment: AssessmentOut | None
    research: str
    scratch: str

    @staticmethod
    def resolve_objectives(obj):
        return obj.objectives.all()

    @staticmethod
    def resolve_questions(obj):
        return obj.questions.all()

    @staticmethod
    def resolve_prep_items(obj):
        return obj.prep_items.all()

    @staticmethod
    def resolve_notes(obj):
        return obj.notes.all()

    @staticmethod
    def resolve_assessment(obj):
        return _one(obj, "assessment")

    @staticmethod
    def resolve_research(obj):
        text = _one(obj, "text")
        return text.research if text else ""

    @staticmethod
    def resolve_scratch(obj):
        text = _one(obj, "text")
        return text.scratch if text else ""


class Schedule(In):
    starts_at: Moment | None = Field(
        None,
        description=(
            "The local time on the clocks of time_zone, without an offset (2026-03-29T10:00:00)"
            "; or a moment with an offset. Times the clocks skip are refused; times they pass "
            "twice need fold. Years 1900 to 2999."
        ),
    )
    time_zone: str | None = Field(None, max_length=64, description="An IANA zone; default: yours.")
    fold: Literal["earlier", "later"] | None = None
    duration_minutes: int | None = Field(None, ge=5, le=24 * 60)
    mode: Mode | None = None
    location: str | None = Field(None, max_length=255)
    meeting_url: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=20_000)


class InterviewIn(Schedule):
    contact_id: int


class ReasonIn(In):
    reason: str = Field("", max_length=1000)


class ObjectiveIn(In):
    text: str = Field(..., min_length=1, max_length=300)


class ObjectivePatch(In):
    text: str | None = Field(None, min_length=1, max_length=300)
    insight: str | None = Field(None, max_length=20_000)
    met: bool | None = None


class QuestionIn(In):
    text: str | None = Field(None, min_length=1, max_length=300, description="A one-off question.")
    bank_question_ids: list[int] | None = Field(
        None, max_length=100, description="Questions of the workspace's bank to copy in."
    )


class AnswerIn(In):
    answer: str = Field(..., max_length=100_000)


class PrepItemIn(In):
    text: str = Field(..., min_length=1, max_length=200)


class PrepItemPatch(In):
    done: bool


class NoteIn(In):
    kind: NoteKind = "insight"
    body: str = Field(..., min_length=1, max_length=100_000)
    objective_id: int | None = None


class AssessmentIn(In):
    passion: int = Field(..., ge=1, le=5)
    motivation: int = Field(..., ge=1, le=5)
    cultural_fit: int = Field(..., ge=1, le=5)
    skills: list[str] = Field(default_factory=list, max_length=50)
    consider_for_future: bool = False
    roles_in_mind: str = Field("", max_length=5000)
    availability: str = Field("", max_length=200)


class TextPatch(In):
    research: str | None = Field(None, max_length=100_000)
    scratch: str | None = Field(None, max_length=100_000)


class BankQuestionOut(Schema):
    id: int
    category: str
    text: str


# --- helpers --------------------------------------------------------------------------------


def _problem(field: str, message: str, status: int = 422) -> ApiProblem:
    return ApiProblem(
        status, message, errors=[{"location": field, "message": message, "type": "invalid"}]
    )


def _interview(request, pk: int) -> Interview:
    queryset = Interview.objects.select_related("contact", "owner", "workspace")
    return get_for_workspace(queryset, request.workspace, pk=pk)


def _detail(request, pk: int) -> Interview:
    queryset = Interview.objects.select_related(
        "contact", "owner", "workspace", "text", "assessment"
    ).prefetch_related("objectives", "questions", "prep_items", "notes")
    return get_for_workspace(queryset, request.workspace, pk=pk)


def _schedule(data: dict, *, default_zone: str) -> dict:
    """The body's schedule as the service's fields; DST gaps and folds answered as the form does."""
    fields = {}
    zone = data.get("time_zone") or default_zone
    if zone not in ZONES:
        raise _problem("time_zone", f"{zone!r} is not a time zone (use an IANA name).")
    if "time_zone" in data or "starts_at" in data:
        fields["time_zone"] = zone
    if "starts_at" in data:
        start = data["starts_at"]
        if start is None:
            fields["starts_at"] = None
        elif start.tzinfo is not None:
            fields["starts_at"] = start.astimezone(UTC)
        else:
            try:
                fields["starts_at"] = make_aware(start, zone, data.get("fold") or "")
            except NonexistentLocalTime:
                raise _problem(
                    "starts_at",
                    f"{start:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks go forward "
                    "that night. Choose a time before or after the change.",
                ) from None
            except AmbiguousLocalTime as ambiguous:
                local = zoneinfo.ZoneInfo(zone)
                first = ambiguous.earlier.astimezone(local).strftime("%H:%M UTC%z")
                second = ambiguous.later.astimezone(local).strftime("%H:%M UTC%z")
                raise _problem(
                    "fold",
                    f"{start:%Y-%m-%d %H:%M} happens twice in {zone}: the clocks go back that "
                    f'night. Send fold "{EARLIER}" ({first}) or "{LATER}" ({second}).',
                ) from None
    for name in ("duration_minutes", "mode", "location", "meeting_url", "purpose"):
        if data.get(name) is not None:
            fields[name] = data[name]
    return fields


def _closed(error: services.InterviewClosed) -> ApiProblem:
    return ApiProblem(409, error.messages[0])


# --- interviews -----------------------------------------------------------------------------

LIST_KEYS = {
    "upcoming": [Key("start_sort", kind="datetime"), Key("id", kind="int")],
    "past": [Key("start_sort", True, "datetime"), Key("id", True, "int")],
    "all": [Key("start_sort", True, "datetime"), Key("id", True, "int")],
}


@router.get("/interviews", response={200: InterviewPage, **ERRORS})
def interview_list(
    request,
    ws: Ws,
    when: Literal["upcoming", "past", "all"] = "upcoming",
    status: StatusName | None = None,
    contact_id: int | None = None,
    owner_id: int | None = None,
    cursor: str | None = Query(None, max_length=2000),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """Upcoming (soonest first, undated last), past (latest first) or all interviews."""
    membership(request, ws)
    interviews = selectors.interviews_list(
        workspace=request.workspace,
        when=when,
        status=status or "",
        owner_id=owner_id,
        contact_id=contact_id,
    )
    undated = FAR_FUTURE if when == "upcoming" else EPOCH
    interviews = interviews.annotate(start_sort=Coalesce("starts_at", Value(undated)))
    return paginate(interviews, LIST_KEYS[when], cursor=cursor, limit=limit)


@router.post("/interviews", response={201: InterviewDetail, **ERRORS})
def interview_create(request, ws: Ws, payload: InterviewIn):
    """Plan or schedule a conversation; the workspace's prep checklist is copied into it."""
    membership(request, ws, write=True)
    data = payload.model_dump(exclude_unset=True)
    contact = Contact.objects.filter(workspace=request.workspace, pk=data["contact_id"]).first()
    if contact is None:
        raise _problem("contact_id", "No such contact in this workspace.")
    fields = _schedule(
        data, default_zone=request.auth.user.time_zone or request.workspace.time_zone
    )
    fields.setdefault("time_zone", request.auth.user.time_zone or request.workspace.time_zone)
    idempotency.claim(request, request.membership)
    interview = services.interview_create(
        workspace=request.workspace, owner=request.auth.user, contact=contact, **fields
    )
    return Status(201, _detail(request, interview.pk))


@router.get("/interviews/{interview_id}", response={200: InterviewDetail, **ERRORS})
def interview_detail(request, ws: Ws, interview_id: int):
    """One interview with its objectives, questions and answers, checklist, notes, assessment."""
    membership(request, ws)
    interview = _detail(request, interview_id)
    audit_record(
        workspace=request.workspace, actor=request.auth.user, action="viewed", obj=interview.contact
    )
    return interview


@router.patch("/interviews/{interview_id}", response={200: InterviewDetail, **ERRORS})
def interview_update(request, ws: Ws, interview_id: int, payload: Schedule):
    """Reschedule or change the details; a closed interview's time stays as it happened."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    fields = _schedule(payload.model_dump(exclude_unset=True), default_zone=interview.time_zone)
    try:
        services.interview_update(interview=interview, **fields)
    except services.InterviewClosed as error:
        raise _closed(error) from None
    return _detail(request, interview_id)


@router.post("/interviews/{interview_id}/complete", response={200: InterviewDetail, **ERRORS})
def interview_complete(request, ws: Ws, interview_id: int):
    """Mark it held: the contact's interaction is logged and the thank-you follow-up opens."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    try:
        services.interview_complete(interview=interview, completed_at=datetime.now(UTC))
    except services.InterviewClosed as error:
        raise _closed(error) from None
    return _detail(request, interview_id)


@router.post("/interviews/{interview_id}/cancel", response={200: InterviewDetail, **ERRORS})
def interview_cancel(request, ws: Ws, interview_id: int, payload: ReasonIn):
    """Call it off; an invited contact is told by email, as from the page."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    try:
        # The email is queued in the outbox in the same transaction, as from the page.
        services.interview_cancel_and_tell(interview=interview, reason=payload.reason)
    except services.InterviewClosed as error:
        raise _closed(error) from None
    return _detail(request, interview_id)


@router.post("/interviews/{interview_id}/no-show", response={200: InterviewDetail, **ERRORS})
def interview_no_show(request, ws: Ws, interview_id: int, payload: ReasonIn):
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    try:
        services.interview_no_show(interview=interview, reason=payload.reason)
    except services.InterviewClosed as error:
        raise _closed(error) from None
    return _detail(request, interview_id)


@router.patch("/interviews/{interview_id}/text", response={200: InterviewDetail, **ERRORS})
def interview_text_update(request, ws: Ws, interview_id: int, payload: TextPatch):
    """The research done beforehand and the running notes of the talk."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    for field, value in payload.model_dump(exclude_unset=True).items():
        if value is not None:
            services.interview_text_save(interview=interview, field=field, value=value)
    return _detail(request, interview_id)


# --- objectives -----------------------------------------------------------------------------


def _objective(request, interview, pk) -> Objective:
    return get_for_workspace(Objective, request.workspace, pk=pk, interview=interview)


@router.post("/interviews/{interview_id}/objectives", response={201: ObjectiveOut, **ERRORS})
def objective_add(request, ws: Ws, interview_id: int, payload: ObjectiveIn):
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    idempotency.claim(request, request.membership)
    return Status(201, services.objective_add(interview=interview, text=payload.text))


@router.patch(
    "/interviews/{interview_id}/objectives/{objective_id}",
    response={200: ObjectiveOut, **ERRORS},
)
def objective_update(
    request, ws: Ws, interview_id: int, objective_id: int, payload: ObjectivePatch
):
    """Change the text or the insight; ``met`` marks it met (or not)."""
    membership(request, ws, write=True)
    objective = _objective(request, _interview(request, interview_id), objective_id)
    data = payload.model_dump(exclude_unset=True)
    with transaction.atomic():
        fields = {k: data[k] for k in ("text", "insight") if data.get(k) is not None}
        if fields:
            objective = services.objective_update(objective=objective, **fields)
        if data.get("met") is not None and data["met"] != objective.is_met:
            objective = services.objective_toggle_met(objective=objective)
    return objective


@router.delete(
    "/interviews/{interview_id}/objectives/{objective_id}",
    response={204: None, **ERRORS},
)
def objective_delete(request, ws: Ws, interview_id: int, objective_id: int):
    membership(request, ws, write=True)
    objective = _objective(request, _interview(request, interview_id), objective_id)
    services.objective_delete(objective=objective)
    return Status(204, None)


# --- questions ------------------------------------------------------------------------------


@router.get("/questions", response={200: list[BankQuestionOut], **ERRORS})
def bank_question_list(
    request, ws: Ws, category: Literal[tuple(QuestionCategory.values)] | None = None
):
    """The workspace's question bank."""
    membership(request, ws)
    questions = Question.objects.filter(workspace=request.workspace)
    return questions.filter(category=category) if category else questions


@router.post("/interviews/{interview_id}/questions", response={201: list[QuestionOut], **ERRORS})
def question_add(request, ws: Ws, interview_id: int, payload: QuestionIn):
    """A one-off question (``text``), or questions of the bank copied in (``bank_question_ids``)."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    if (payload.text is None) == (payload.bank_question_ids is None):
        raise _problem("text", "Send either text or bank_question_ids.")
    if payload.text is not None:
        idempotency.claim(request, request.membership)
        return Status(201, [services.question_add_one_off(interview=interview, text=payload.text)])
    wanted = set(payload.bank_question_ids)
    questions = list(Question.objects.filter(workspace=request.workspace, pk__in=wanted))
    if len(questions) != len(wanted):
        raise _problem("bank_question_ids", "No such question in this workspace's bank.")
    idempotency.claim(request, request.membership)
    return Status(201, services.questions_pick(interview=interview, questions=questions))


@router.patch(
    "/interviews/{interview_id}/questions/{question_id}",
    response={200: QuestionOut, **ERRORS},
)
def question_answer(request, ws: Ws, interview_id: int, question_id: int, payload: AnswerIn):
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    question = get_for_workspace(
        InterviewQuestion, request.workspace, pk=question_id, interview=interview
    )
    return services.question_answer(question=question, answer=payload.answer)


# --- prep checklist -------------------------------------------------------------------------


@router.post("/interviews/{interview_id}/prep-items", response={201: PrepItemOut, **ERRORS})
def prep_item_add(request, ws: Ws, interview_id: int, payload: PrepItemIn):
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    idempotency.claim(request, request.membership)
    return Status(201, services.prep_item_add(interview=interview, text=payload.text))


@router.patch(
    "/interviews/{interview_id}/prep-items/{item_id}",
    response={200: PrepItemOut, **ERRORS},
)
def prep_item_update(request, ws: Ws, interview_id: int, item_id: int, payload: PrepItemPatch):
    """Tick (``done: true``) or untick an item of the checklist."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    item = get_for_workspace(PrepItem, request.workspace, pk=item_id, interview=interview)
    if payload.done != item.is_done:
        item = services.prep_item_toggle(item=item)
    return item


# --- notes and assessment -------------------------------------------------------------------


@router.post("/interviews/{interview_id}/notes", response={201: NoteOut, **ERRORS})
def note_add(request, ws: Ws, interview_id: int, payload: NoteIn):
    """A Markdown note; it counts as an interaction with the person."""
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    objective = None
    if payload.objective_id is not None:
        objective = Objective.objects.filter(
            workspace=request.workspace, interview=interview, pk=payload.objective_id
        ).first()
        if objective is None:
            raise _problem("objective_id", "No such objective in this interview.")
    idempotency.claim(request, request.membership)
    note = services.note_add(
        interview=interview,
        author=request.auth.user,
        kind=payload.kind,
        body=payload.body,
        objective=objective,
    )
    return Status(201, note)


@router.delete("/interviews/{interview_id}/notes/{note_id}", response={204: None, **ERRORS})
def note_delete(request, ws: Ws, interview_id: int, note_id: int):
    membership(request, ws, write=True)
    interview = _interview(request, interview_id)
    note = get_for_workspace(Note, request.workspace, pk=note_id, interview=interview)
    services.note_delete(note=note)
    return Status(204, None)


@router.put("/interviews/{interview_id}/assessment", response={200: AssessmentOut, **ERRORS})
def assessment_save(request, ws: Ws, interview_id: int, payload: AssessmentIn):
    """A recruiter's light assessment (team workspaces only)."""
    membership(request, ws, write=True, team=True)
    interview = _interview(request, interview_id)
    return services.assessment_save(
        interview=interview, assessed_by=request.auth.user, **payload.model_dump()
    )
