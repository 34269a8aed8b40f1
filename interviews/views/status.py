"""An interview's status: completed, cancelled (telling an invited contact), no-show."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import workspace_view
from interviews import services
from interviews.forms import StatusReasonForm
from interviews.models import Interview
from interviews.views.common import interview_for


def _status_change(request, interview, service, done_message):
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
    interview = interview_for(request, pk)
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
    """Cancel, and tell an invited contact. A second request (a double-click, a second tab)
    finds the interview cancelled under its row lock and says so: one cancellation email."""
    interview = interview_for(request, pk)
    form = StatusReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect(interview)
    try:
        emailed = services.interview_cancel_and_tell(
            interview=interview, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        if interview_for(request, pk).status == Interview.Status.CANCELLED:
            messages.info(
                request, _("This interview was already cancelled; nothing was sent again.")
            )
        else:
            messages.error(request, error.messages[0])
        return redirect(interview)
    messages.success(request, _("The interview is cancelled."))
    if emailed:
        messages.info(
            request,
            _("A cancellation email to %(email)s is queued.")
            % {"email": interview.contact.primary_email},
        )
    return redirect(interview)


@require_POST
@workspace_view
def interview_no_show(request, pk):
    return _status_change(
        request,
        interview_for(request, pk),
        services.interview_no_show,
        _("The interview is marked as a no-show."),
    )
