"""What came out of a conversation: notes, and the people the contact suggested meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_workspace, workspace_view
from interviews import services
from interviews.forms import NoteForm, PersonToMeetForm
from interviews.models import Note
from interviews.views.common import detail_context, interview_for


def _detail_with(request, interview, **forms):
    context = detail_context(request, interview)
    context.update(forms)
    return render(request, "interviews/interview_detail.html", context, status=400)


@require_POST
@workspace_view
def note_add(request, pk):
    # Its owner is read only if the form comes back with errors (the page shows them).
    interview = interview_for(request, pk, owner=False)
    form = NoteForm(request.POST, interview=interview)
    if not form.is_valid():
        return _detail_with(request, interview, note_form=form)
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
    interview = interview_for(request, pk)
    form = PersonToMeetForm(request.POST)
    if not form.is_valid():
        return _detail_with(request, interview, person_form=form)
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
        return _detail_with(request, interview, person_form=form)
    messages.success(
        request,
        _("%(name)s is in your contacts, introduced by %(by)s.")
        % {"name": contact.full_name, "by": interview.contact.full_name},
    )
    return redirect(f"{interview.get_absolute_url()}#people")
