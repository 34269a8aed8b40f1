"""The interview list, creating and editing an interview, its detail and conversation pages."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import workspace_view
from infoview.pagination import BadCursor, bad_cursor, query_without_page
from interviews import selectors, services
from interviews.forms import InterviewFilterForm, InterviewForm
from interviews.rows import RowLabels, row_html
from interviews.views.common import (
    audit_viewed,
    conversation_context,
    detail_context,
    interview_for,
)

PAGE_SIZE = 50


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@workspace_view
def interview_list(request):
    form = InterviewFilterForm(request.GET or None, workspace=request.workspace)
    filters = form.cleaned_data if form.is_valid() else {}
    when = filters.get("when") or "upcoming"
    date_to = filters.get("date_to")
    try:
        page = selectors.interviews_list_page(
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            size=PAGE_SIZE,
            workspace=request.workspace,
            when=when,
            status=filters.get("status", ""),
            owner_id=getattr(filters.get("owner"), "pk", None),
            contact_id=getattr(filters.get("contact"), "pk", None),
            date_from=_day_start(filters.get("date_from")),
            date_to=_day_start(date_to + timedelta(days=1)) if date_to else None,
        )
    except BadCursor:
        return bad_cursor(request)
    labels = RowLabels(request)
    return render(
        request,
        "interviews/interview_list.html",
        {
            "form": form,
            "interviews": page.rows,
            "rows": [row_html(interview, labels) for interview in page.rows],
            "page": page,
            "query": query_without_page(request),
            "when": when,
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


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


def _create(request, data):
    fields = {"workspace": request.workspace, "owner": request.user, **_schedule_fields(data)}
    if data["contact"]:
        return services.interview_create(contact=data["contact"], **fields)
    return services.interview_create_with_new_contact(
        first_name=data["new_contact_first_name"],
        last_name=data["new_contact_last_name"],
        email=data.get("new_contact_email") or "",
        **fields,
    )


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
            try:
                interview = _create(request, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The interview is saved."))
                _warn_overlaps(request, interview)
                return redirect(interview)
        return render(request, "interviews/interview_form.html", {"form": form}, status=400)
    return render(request, "interviews/interview_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_view
def interview_edit(request, pk):
    interview = interview_for(request, pk)
    form = InterviewForm(
        request.POST or None, instance=interview, workspace=request.workspace, user=request.user
    )
    context = {"form": form, "interview": interview}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            interview = interview_for(request, pk)  # the form changed the instance
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


@workspace_view
def interview_detail(request, pk):
    interview = interview_for(request, pk, page=True)
    audit_viewed(request, interview)
    return render(request, "interviews/interview_detail.html", detail_context(request, interview))


@workspace_view
def interview_conversation(request, pk):
    interview = interview_for(request, pk, page=True)
    audit_viewed(request, interview)
    return render(request, "interviews/conversation.html", conversation_context(interview))
