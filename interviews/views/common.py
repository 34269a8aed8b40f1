"""What several interview pages share: the scoped lookup and the detail page's context."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from accounts.audit import audit_record
from accounts.scoping import get_for_workspace
from interviews import selectors, services
from interviews.detail_rows import bank_html, notes_html
from interviews.forms import (
    NoteForm,
    ObjectiveForm,
    OneOffQuestionForm,
    PersonToMeetForm,
    StatusReasonForm,
)
from interviews.models import Interview


def interview_for(request, pk, *, page: bool = False, owner: bool = True) -> Interview:
    """The workspace's interview ``pk``, or 404 for both 'missing' and 'not yours'.

    ``page=True``: with its text and assessment, read in the same statement by hand
    (``selectors.interview_page_row``) for the pages every visit opens.
    ``owner=False``: without its owner, for a write that shows nothing of them."""
    if page:
        interview = selectors.interview_page_row(workspace=request.workspace, pk=pk)
        if interview is None:
            raise Http404("No such interview.")
        return interview
    related = ("contact", "owner") if owner else ("contact",)
    queryset = Interview.objects.select_related(*related)
    interview = get_for_workspace(queryset, request.workspace, pk=pk)
    # The same row as request.workspace: the links to it and to the person need no query.
    interview.workspace = interview.contact.workspace = request.workspace
    return interview


def _joined(interview, name):
    """The one-to-one row ``name`` as the interview's query joined it (None: there is none),
    or ``...`` when that query did not join it."""
    if not getattr(Interview, name).is_cached(interview):
        return ...
    try:
        return getattr(interview, name)
    except ObjectDoesNotExist:
        return None


def _text(interview):
    text = _joined(interview, "text")
    if text is None or text is ...:
        text = services.interview_text(interview=interview)  # made on first view
    return text


def detail_context(request, interview) -> dict:
    lists = selectors.interview_page_lists(
        interview=interview, about=services.interview_about(interview)
    )
    text = _text(interview)
    assessment = None
    if request.workspace.is_team:
        assessment = _joined(interview, "assessment")
        if assessment is ...:
            assessment = selectors.interview_assessment(interview=interview)
    return {
        "interview": interview,
        "text": text,
        "objectives": lists.objectives,
        "questions": lists.questions,
        "prep_items": lists.prep_items,
        "prep_done": sum(1 for item in lists.prep_items if item.is_done),
        "notes": lists.notes,
        "notes_html": notes_html(request, lists.notes),
        "bank": lists.bank,
        "bank_html": bank_html(lists.bank),
        "assessment": assessment,
        "objective_form": ObjectiveForm(),
        "one_off_form": OneOffQuestionForm(),
        "note_form": NoteForm(interview=interview, objectives=lists.objectives),
        "person_form": PersonToMeetForm(),
        "reason_form": StatusReasonForm(),
        "introduced": lists.introduced,
        "outgoing": lists.outgoing,
    }


def conversation_context(interview) -> dict:
    """What the conversation view shows: the interview's text, objectives and questions.

    Not ``detail_context``: the notes, the question bank, the outbox rows and the page's five
    forms it would build are not on this page (about a third of its CPU)."""
    objectives, questions = selectors.interview_conversation_lists(interview=interview)
    return {
        "interview": interview,
        "text": _text(interview),
        "objectives": objectives,
        "questions": questions,
    }


def audit_viewed(request, interview) -> None:
    """A conversation shows the person's data (notes, answers): a view of their record."""
    audit_record(
        workspace=request.workspace, actor=request.user, action="viewed", obj=interview.contact
    )
