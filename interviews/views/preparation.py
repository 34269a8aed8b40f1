"""Getting ready for an interview: objectives, questions, the prep checklist."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_workspace, workspace_view
from interviews import services
from interviews.forms import ObjectiveForm, OneOffQuestionForm, PickQuestionsForm
from interviews.models import InterviewQuestion, Objective, PrepItem
from interviews.views.common import detail_context, interview_for

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
    interview = interview_for(request, pk)
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
    interview = interview_for(request, pk)
    form = PickQuestionsForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        services.questions_pick(interview=interview, questions=form.cleaned_data["questions"])
    else:
        messages.error(request, _("Choose at least one question of the bank."))
    return redirect(f"{interview.get_absolute_url()}#questions")


@require_POST
@workspace_view
def question_add(request, pk):
    interview = interview_for(request, pk)
    form = OneOffQuestionForm(request.POST)
    if not form.is_valid():
        context = detail_context(request, interview)
        context["one_off_form"] = form
        return render(request, "interviews/interview_detail.html", context, status=400)
    services.question_add_one_off(interview=interview, text=form.cleaned_data["text"])
    return redirect(f"{interview.get_absolute_url()}#questions")


@require_POST
@workspace_view
def question_remove(request, pk):
    question = get_for_workspace(InterviewQuestion, request.workspace, pk=pk)
    interview = question.interview
    services.question_delete(question=question)
    return redirect(f"{interview.get_absolute_url()}#questions")


# --- Prep checklist -----------------------------------------------------------------------


@require_POST
@workspace_view
def prep_item_toggle(request, pk):
    item = get_for_workspace(PrepItem, request.workspace, pk=pk)
    services.prep_item_toggle(item=item)
    if not request.htmx:
        return redirect(f"{item.interview.get_absolute_url()}#prep")
    items = list(item.interview.prep_items.all())
    return render(
        request,
        "interviews/interview_detail.html#prep",
        {
            "interview": item.interview,
            "prep_items": items,
            "prep_done": sum(1 for row in items if row.is_done),
        },
    )
