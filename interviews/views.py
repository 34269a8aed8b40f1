from datetime import datetime, time
from smtplib import SMTPException

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import get_for_workspace, workspace_view
from infoview.pagination import query_without_page
from interviews import ics, selectors, services
from interviews.forms import (
    AnswerForm,
    AssessmentForm,
    BankQuestionForm,
    InsightForm,
    InterviewFilterForm,
    InterviewForm,
    NoteForm,
    ObjectiveForm,
    OneOffQuestionForm,
    PersonToMeetForm,
    PickQuestionsForm,
    PrepItemForm,
    StatusReasonForm,
    TextAutosaveForm,
)
from interviews.models import (
    Assessment,
    CalendarToken,
    Interview,
    InterviewQuestion,
    Note,
    Objective,
    PrepItem,
    PrepTemplateItem,
    Question,
    QuestionCategory,
)
from privacy.services import audit_record


def _interview(request, pk):
    queryset = Interview.objects.select_related("contact", "owner", "workspace")
    return get_for_workspace(queryset, request.workspace, pk=pk)


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Lists --------------------------------------------------------------------------------


PAGE_SIZE = 50


@workspace_view
def interview_list(request):
    form = InterviewFilterForm(request.GET or None, workspace=request.workspace)
    filters = form.cleaned_data if form.is_valid() else {}
    when = filters.get("when") or "upcoming"
    date_to = filters.get("date_to")
    interviews = selectors.interviews_list(
        workspace=request.workspace,
        when=when,
        status=filters.get("status", ""),
        owner_id=getattr(filters.get("owner"), "pk", None),
        contact_id=getattr(filters.get("contact"), "pk", None),
        date_from=_day_start(filters.get("date_from")),
        date_to=_day_start(date_to + timezone.timedelta(days=1)) if date_to else None,
    )
    page = Paginator(interviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interviews/interview_list.html",
        {
            "form": form,
            "interviews": page.object_list,
            "page": page,
            "query": query_without_page(request),
            "when": when,
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


# --- Create, edit, status -----------------------------------------------------------------


def _warn_overlaps(request, interview):
    if interview.starts_at is None or interview.owner is None:
        return
    overlaps = list(
        selectors.interview_overlaps(
            owner=interview.owner,
            starts_at=interview.starts_at,
            duration_minutes=interview.duration_minutes,
            exclude_pk=interview.pk,
        )
    )
    for other in overlaps:
        if other.workspace_id == request.workspace.pk:
            what = other.contact.full_name
        else:
            what = _("an interview in another workspace")
        messages.warning(
            request,
            _("This overlaps your conversation with %(what)s at %(when)s.")
            % {
                "what": what,
                "when": timezone.localtime(other.starts_at).strftime("%H:%M"),
            },
        )


def _schedule_fields(data):
    return {
        "starts_at": data["starts_at"],
        "time_zone": data["time_zone"],
        "duration_minutes": data["duration_minutes"],
        "mode": data["mode"],
        "location": data["location"],
        "meeting_url": data["meeting_url"],
        "purpose": data["purpose"],
    }


@require_http_methods(["GET", "POST"])
@workspace_view
def interview_create(request):
    initial = {}
    if request.GET.get("contact", "").isdigit():
        initial["contact"] = request.GET["contact"]
    form = InterviewForm(
        request.POST or None, workspace=request.workspace, user=request.user, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    contact = data["contact"] or _contact_inline(request, data)
                    interview = services.interview_create(
                        workspace=request.workspace,
                        owner=request.user,
                        contact=contact,
                        **_schedule_fields(data),
                    )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The interview is saved."))
                _warn_overlaps(request, interview)
                return redirect(interview)
        return render(request, "interviews/interview_form.html", {"form": form}, status=400)
    return render(request, "interviews/interview_form.html", {"form": form})


def _contact_inline(request, data):
    from contacts.services import contact_create

    extra = {"emails": [data["new_contact_email"]]} if data.get("new_contact_email") else {}
    return contact_create(
        workspace=request.workspace,
        owner=request.user,
        first_name=data["new_contact_first_name"],
        last_name=data["new_contact_last_name"],
        **extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def interview_edit(request, pk):
    interview = _interview(request, pk)
    form = InterviewForm(
        request.POST or None, instance=interview, workspace=request.workspace, user=request.user
    )
    context = {"form": form, "interview": interview}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            interview = Interview.objects.get(pk=interview.pk)  # the form changed the instance
            try:
                services.interview_update(
                    interview=interview, contact=data["contact"], **_schedule_fields(data)
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The interview is saved."))
                _warn_overlaps(request, interview)
                return redirect(interview)
        return render(request, "interviews/interview_form.html", context, status=400)
    return render(request, "interviews/interview_form.html", context)


def _detail_context(request, interview):
    from interviews.models import TEAM_ONLY_CATEGORIES

    bank = Question.objects.filter(workspace=request.workspace).exclude(uses__interview=interview)
    if not request.workspace.is_team:
        bank = bank.exclude(category__in=TEAM_ONLY_CATEGORIES)
    prep_items = list(interview.prep_items.all())
    return {
        "interview": interview,
        "text": services.interview_text(interview=interview),
        "objectives": list(interview.objectives.all()),
        "questions": list(interview.questions.all()),
        "prep_items": prep_items,
        "prep_done": sum(1 for item in prep_items if item.is_done),
        "notes": list(interview.notes.select_related("author", "objective")),
        "bank": bank,
        "categories": dict(QuestionCategory.choices),
        "assessment": Assessment.objects.filter(interview=interview).first()
        if request.workspace.is_team
        else None,
        "objective_form": ObjectiveForm(),
        "one_off_form": OneOffQuestionForm(),
        "note_form": NoteForm(interview=interview),
        "person_form": PersonToMeetForm(),
        "reason_form": StatusReasonForm(),
        "introduced": interview.contact.introduced.filter(workspace=request.workspace),
    }


@workspace_view
def interview_detail(request, pk):
    interview = _interview(request, pk)
    _audit_viewed(request, interview)
    return render(request, "interviews/interview_detail.html", _detail_context(request, interview))


@workspace_view
def interview_conversation(request, pk):
    interview = _interview(request, pk)
    _audit_viewed(request, interview)
    return render(request, "interviews/conversation.html", _detail_context(request, interview))


def _audit_viewed(request, interview):
    """A conversation shows the person's data (notes, answers): a view of their record."""
    audit_record(
        workspace=request.workspace, actor=request.user, action="viewed", obj=interview.contact
    )


def _status_change(request, pk, service, done_message):
    interview = _interview(request, pk)
    form = StatusReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect(interview)
    try:
        service(interview=interview, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done_message)
    return redirect(interview)


@require_POST
@workspace_view
def interview_complete(request, pk):
    interview = _interview(request, pk)
    try:
        services.interview_complete(interview=interview, completed_at=timezone.now())
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Marked as completed. A thank-you follow-up is open."))
    return redirect(interview)


@require_POST
@workspace_view
def interview_cancel(request, pk):
    was_open = _interview(request, pk).is_open
    response = _status_change(
        request, pk, services.interview_cancel, _("The interview is cancelled.")
    )
    interview = _interview(request, pk)
    if was_open and interview.status == Interview.Status.CANCELLED:
        try:
            if services.interview_send_cancellation(interview=interview):
                messages.info(
                    request,
                    _("%(email)s was told by email.") % {"email": interview.contact.primary_email},
                )
        except (SMTPException, OSError):
            messages.warning(
                request, _("The cancellation email could not be sent; tell them yourself.")
            )
    return response


@require_POST
@workspace_view
def interview_no_show(request, pk):
    return _status_change(
        request, pk, services.interview_no_show, _("The interview is marked as a no-show.")
    )


# --- Autosave (conversation view) ---------------------------------------------------------


def _saved(request):
    return render(request, "interviews/conversation.html#saved", {"now": timezone.now()})


@require_POST
@workspace_view
def interview_text_save(request, pk, field):
    if field not in {"research", "scratch"}:
        raise Http404
    interview = _interview(request, pk)
    form = TextAutosaveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    services.interview_text_save(interview=interview, field=field, value=form.cleaned_data["text"])
    return _saved(request)


@require_POST
@workspace_view
def objective_insight(request, pk):
    objective = get_for_workspace(Objective, request.workspace, pk=pk)
    form = InsightForm(request.POST, instance=objective)
    if not form.is_valid():
        return HttpResponse(status=400)
    services.objective_update(objective=objective, insight=form.cleaned_data["insight"])
    return _saved(request)


@require_POST
@workspace_view
def question_answer(request, pk):
    question = get_for_workspace(InterviewQuestion, request.workspace, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    services.question_answer(question=question, answer=form.cleaned_data["answer"])
    return _saved(request)


# --- Objectives ---------------------------------------------------------------------------


def _objectives(request, interview, status=200, form=None):
    return render(
        request,
        "interviews/interview_detail.html#objectives",
        {
            "interview": interview,
            "objectives": list(interview.objectives.all()),
            "objective_form": form or ObjectiveForm(),
        },
        status=status,
    )


def _back(request, interview, anchor=""):
    if request.htmx:
        return None
    return redirect(f"{interview.get_absolute_url()}{anchor}")


@require_POST
@workspace_view
def objective_add(request, pk):
    interview = _interview(request, pk)
    form = ObjectiveForm(request.POST)
    if not form.is_valid():
        return _objectives(request, interview, status=400, form=form)
    services.objective_add(interview=interview, text=form.cleaned_data["text"])
    return _back(request, interview, "#objectives") or _objectives(request, interview)


@require_POST
@workspace_view
def objective_edit(request, pk):
    objective = get_for_workspace(Objective, request.workspace, pk=pk)
    form = ObjectiveForm(request.POST, instance=objective)
    if not form.is_valid():
        return _objectives(request, objective.interview, status=400)
    services.objective_update(objective=objective, text=form.cleaned_data["text"])
    return _back(request, objective.interview, "#objectives") or _objectives(
        request, objective.interview
    )


@require_POST
@workspace_view
def objective_toggle(request, pk):
    objective = get_for_workspace(Objective, request.workspace, pk=pk)
    services.objective_toggle_met(objective=objective)
    return _back(request, objective.interview, "#objectives") or _objectives(
        request, objective.interview
    )


@require_POST
@workspace_view
def objective_move(request, pk, direction):
    if direction not in {"up", "down"}:
        raise Http404
    objective = get_for_workspace(Objective, request.workspace, pk=pk)
    services.objective_move(objective=objective, up=direction == "up")
    return _back(request, objective.interview, "#objectives") or _objectives(
        request, objective.interview
    )


@require_POST
@workspace_view
def objective_delete(request, pk):
    objective = get_for_workspace(Objective, request.workspace, pk=pk)
    interview = objective.interview
    services.objective_delete(objective=objective)
    return _back(request, interview, "#objectives") or _objectives(request, interview)


# --- Questions ----------------------------------------------------------------------------


@require_POST
@workspace_view
def questions_pick(request, pk):
    interview = _interview(request, pk)
    form = PickQuestionsForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        services.questions_pick(interview=interview, questions=form.cleaned_data["questions"])
    else:
        messages.error(request, _("Choose at least one question of the bank."))
    return redirect(f"{interview.get_absolute_url()}#questions")


@require_POST
@workspace_view
def question_add(request, pk):
    interview = _interview(request, pk)
    form = OneOffQuestionForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, interview)
        context["one_off_form"] = form
        return render(request, "interviews/interview_detail.html", context, status=400)
    services.question_add_one_off(interview=interview, text=form.cleaned_data["text"])
    return redirect(f"{interview.get_absolute_url()}#questions")


@require_POST
@workspace_view
def question_remove(request, pk):
    question = get_for_workspace(InterviewQuestion, request.workspace, pk=pk)
    interview = question.interview
    question.delete()
    return redirect(f"{interview.get_absolute_url()}#questions")


# --- Prep checklist -----------------------------------------------------------------------


@require_POST
@workspace_view
def prep_item_toggle(request, pk):
    item = get_for_workspace(PrepItem, request.workspace, pk=pk)
    services.prep_item_toggle(item=item)
    if not request.htmx:
        return redirect(f"{item.interview.get_absolute_url()}#prep")
    items = list(PrepItem.objects.filter(interview_id=item.interview_id))
    return render(
        request,
        "interviews/interview_detail.html#prep",
        {
            "interview": item.interview,
            "prep_items": items,
            "prep_done": sum(1 for row in items if row.is_done),
        },
    )


# --- Notes and people to meet next --------------------------------------------------------


@require_POST
@workspace_view
def note_add(request, pk):
    interview = _interview(request, pk)
    form = NoteForm(request.POST, interview=interview)
    if not form.is_valid():
        context = _detail_context(request, interview)
        context["note_form"] = form
        return render(request, "interviews/interview_detail.html", context, status=400)
    data = form.cleaned_data
    services.note_add(
        interview=interview,
        author=request.user,
        kind=data["kind"],
        body=data["body"],
        objective=data["objective"],
    )
    return redirect(f"{interview.get_absolute_url()}#notes")


@require_POST
@workspace_view
def note_delete(request, pk):
    note = get_for_workspace(Note, request.workspace, pk=pk)
    interview = note.interview
    services.note_delete(note=note)
    return redirect(f"{interview.get_absolute_url()}#notes")


@require_POST
@workspace_view
def person_add(request, pk):
    interview = _interview(request, pk)
    form = PersonToMeetForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, interview)
        context["person_form"] = form
        return render(request, "interviews/interview_detail.html", context, status=400)
    data = form.cleaned_data
    extra = {"title": data["title"]} if data["title"] else {}
    if data["email"]:
        extra["emails"] = [data["email"]]
    try:
        contact = services.person_to_meet_add(
            interview=interview,
            owner=request.user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            **extra,
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        context = _detail_context(request, interview)
        context["person_form"] = form
        return render(request, "interviews/interview_detail.html", context, status=400)
    messages.success(
        request,
        _("%(name)s is in your contacts, introduced by %(by)s.")
        % {"name": contact.full_name, "by": interview.contact.full_name},
    )
    return redirect(f"{interview.get_absolute_url()}#people")


# --- Assessment ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@workspace_view(team=True)
def assessment_edit(request, pk):
    interview = _interview(request, pk)
    instance = Assessment.objects.filter(interview=interview).first()
    form = AssessmentForm(request.POST or None, instance=instance)
    context = {"form": form, "interview": interview}
    if request.method == "POST":
        if form.is_valid():
            services.assessment_save(
                interview=interview, assessed_by=request.user, **form.cleaned_data
            )
            messages.success(request, _("The assessment is saved."))
            return redirect(f"{interview.get_absolute_url()}#assessment")
        return render(request, "interviews/assessment_form.html", context, status=400)
    return render(request, "interviews/assessment_form.html", context)


# --- Question bank and prep template (admins) ---------------------------------------------


def _bank_page(request, form, status=200):
    questions = Question.objects.filter(workspace=request.workspace)
    return render(
        request,
        "interviews/bank.html",
        {"form": form, "questions": questions, "categories": dict(QuestionCategory.choices)},
        status=status,
    )


@workspace_view
def bank(request):
    return _bank_page(request, BankQuestionForm(workspace=request.workspace))


@require_POST
@workspace_view(admin=True)
def bank_question_add(request):
    form = BankQuestionForm(request.POST, workspace=request.workspace)
    if not form.is_valid():
        return _bank_page(request, form, status=400)
    services.bank_question_add(workspace=request.workspace, **form.cleaned_data)
    messages.success(request, _("The question is in the bank."))
    return redirect("interviews:bank", ws=request.workspace.slug)


@require_POST
@workspace_view(admin=True)
def bank_question_delete(request, pk):
    get_for_workspace(Question, request.workspace, pk=pk).delete()
    messages.success(request, _("The question is out of the bank."))
    return redirect("interviews:bank", ws=request.workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True)
def prep_template(request):
    form = PrepItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.prep_template_item_add(
                workspace=request.workspace, text=form.cleaned_data["text"]
            )
            return redirect("interviews:prep_template", ws=request.workspace.slug)
        status = 400
    items = PrepTemplateItem.objects.filter(workspace=request.workspace)
    return render(
        request, "interviews/prep_template.html", {"form": form, "items": items}, status=status
    )


@require_POST
@workspace_view(admin=True)
def prep_template_item_delete(request, pk):
    get_for_workspace(PrepTemplateItem, request.workspace, pk=pk).delete()
    return redirect("interviews:prep_template", ws=request.workspace.slug)


# --- Calendar -----------------------------------------------------------------------------


@workspace_view
def interview_ics(request, pk):
    interview = _interview(request, pk)
    if interview.starts_at is None:
        raise Http404("This interview has no time yet.")
    response = HttpResponse(ics.interview_file(interview), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@require_POST
@workspace_view
def interview_invite(request, pk):
    interview = _interview(request, pk)
    try:
        services.interview_send_invitation(interview=interview)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except (SMTPException, OSError):
        messages.error(request, _("The email could not be sent. Try again later."))
    else:
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": interview.contact.primary_email},
        )
    return redirect(interview)


@workspace_view
def calendar_settings(request):
    token = CalendarToken.objects.filter(user=request.user, revoked_at=None).first()
    feed_url = request.build_absolute_uri(token.get_absolute_url()) if token else ""
    # The same address under webcal://: calendar apps open it as a subscription.
    webcal_url = "webcal://" + feed_url.split("://", 1)[-1] if token else ""
    context = {"token": token, "feed_url": feed_url, "webcal_url": webcal_url}
    return render(request, "interviews/calendar.html", context)


@require_POST
@workspace_view
def calendar_regenerate(request):
    had_one = CalendarToken.objects.filter(user=request.user, revoked_at=None).exists()
    services.calendar_token_regenerate(user=request.user)
    if had_one:
        messages.success(request, _("Your calendar feed has a new address; the old one is dead."))
    else:
        messages.success(request, _("Your calendar feed is ready: subscribe to it below."))
    return redirect("interviews:calendar", ws=request.workspace.slug)


@require_POST
@workspace_view
def calendar_revoke(request):
    services.calendar_token_revoke(user=request.user)
    messages.success(request, _("Your calendar feed is switched off."))
    return redirect("interviews:calendar", ws=request.workspace.slug)
