"""Autosave from the conversation page: research, running notes, insights, answers."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_workspace, workspace_view
from interviews import services
from interviews.forms import AnswerForm, InsightForm, TextAutosaveForm
from interviews.models import InterviewQuestion, Objective
from interviews.views.common import interview_for


def _saved(request):
    return render(request, "interviews/conversation.html#saved", {"now": timezone.now()})


@require_POST
@workspace_view
def interview_text_save(request, pk, field):
    if field not in {"research", "scratch"}:
        raise Http404
    interview = interview_for(request, pk)
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
