"""Interviews in calendars: one event as a file or an emailed invitation, the feed's settings.

The private feed itself is served by ``followups.calendar_feed``, above both apps it reads.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import idempotency
from accounts.scoping import workspace_view
from interviews import ics, selectors, services
from interviews.views.common import interview_for


@workspace_view
def interview_ics(request, pk):
    interview = interview_for(request, pk)
    if interview.starts_at is None:
        raise Http404("This interview has no time yet.")
    response = HttpResponse(ics.interview_file(interview), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@require_POST
@workspace_view
def interview_invite(request, pk):
    """Queue the invitation; the page then shows it queued, sent or failed (never twice)."""
    interview = interview_for(request, pk)
    key = idempotency.key_from(request, "interview-invite")
    try:
        _outgoing, queued = services.interview_send_invitation(
            interview=interview, idempotency_key=key
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if queued:
            messages.success(
                request,
                _("Invitation queued for %(email)s.") % {"email": interview.contact.primary_email},
            )
        else:
            messages.info(
                request, _("This invitation was already on its way; it was not sent again.")
            )
    return redirect(interview)


@workspace_view
def calendar_settings(request):
    token = selectors.calendar_token_active(user=request.user)
    feed_url = request.build_absolute_uri(token.get_absolute_url()) if token else ""
    # The same address under webcal://: calendar apps open it as a subscription.
    webcal_url = "webcal://" + feed_url.split("://", 1)[-1] if token else ""
    context = {"token": token, "feed_url": feed_url, "webcal_url": webcal_url}
    return render(request, "interviews/calendar.html", context)


@require_POST
@workspace_view
def calendar_regenerate(request):
    had_one = selectors.calendar_token_active(user=request.user) is not None
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
