"""Interviews in calendars: one event as a file or an emailed invitation, the private feed."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import idempotency
from accounts.scoping import workspace_view
from interviews import feed, ics, selectors, services
from interviews.views.common import interview_for

# The feed holds the last 30 days and what is ahead: older events are history a calendar
# already has.
FEED_PAST = timedelta(days=30)


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
    return render(request, "interviews/calendar.html", {"token": token, "feed_url": feed_url})


@require_POST
@workspace_view
def calendar_regenerate(request):
    services.calendar_token_regenerate(user=request.user)
    messages.success(request, _("Your calendar feed has a new address; the old one is dead."))
    return redirect("interviews:calendar", ws=request.workspace.slug)


@require_POST
@workspace_view
def calendar_revoke(request):
    services.calendar_token_revoke(user=request.user)
    messages.success(request, _("Your calendar feed is switched off."))
    return redirect("interviews:calendar", ws=request.workspace.slug)


def calendar_feed(request, token):
    """The private feed: reached by its secret alone, so calendar apps can subscribe."""
    user = selectors.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    now = timezone.now()
    since = now - FEED_PAST
    body = ics.feed(
        user=user,
        interviews=selectors.interviews_for_feed(user=user, since=since),
        events=feed.feed_events(user=user, since=since, now=now),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
