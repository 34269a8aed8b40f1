"""The workspace's question bank and prep checklist template (changed by admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import for_workspace, get_for_workspace, workspace_view
from interviews import services
from interviews.forms import BankQuestionForm, PrepItemForm
from interviews.models import PrepTemplateItem, Question, QuestionCategory


def _bank_page(request, form, status=200):
    return render(
        request,
        "interviews/bank.html",
        {
            "form": form,
            "questions": for_workspace(Question, request.workspace),
            "categories": dict(QuestionCategory.choices),
        },
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
    try:
        services.bank_question_add(workspace=request.workspace, **form.cleaned_data)
    except ValidationError:
        form.add_error("text", _("This question is already in the bank."))
        return _bank_page(request, form, status=400)
    messages.success(request, _("The question is in the bank."))
    return redirect("interviews:bank", ws=request.workspace.slug)


@require_POST
@workspace_view(admin=True)
def bank_question_delete(request, pk):
    question = get_for_workspace(Question, request.workspace, pk=pk)
    services.bank_question_delete(question=question)
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
    items = for_workspace(PrepTemplateItem, request.workspace)
    return render(
        request, "interviews/prep_template.html", {"form": form, "items": items}, status=status
    )


@require_POST
@workspace_view(admin=True)
def prep_template_item_delete(request, pk):
    item = get_for_workspace(PrepTemplateItem, request.workspace, pk=pk)
    services.prep_template_item_delete(item=item)
    return redirect("interviews:prep_template", ws=request.workspace.slug)
