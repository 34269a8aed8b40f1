"""A recruiter's assessment of a conversation (team workspaces only)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import workspace_view
from interviews import selectors, services
from interviews.forms import AssessmentForm
from interviews.views.common import interview_for


@require_http_methods(["GET", "POST"])
@workspace_view(team=True)
def assessment_edit(request, pk):
    interview = interview_for(request, pk)
    instance = selectors.interview_assessment(interview=interview)
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
