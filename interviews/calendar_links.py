"""Links that open the interview, prefilled, in Google Calendar or Outlook on the web.

Both services take the times as UTC instants; Google also takes the planner's zone so that its
form shows the planner's clocks.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from interviews.models import Interview

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


def _summary(interview: Interview) -> str:
    return _("Conversation with %(name)s") % {"name": interview.contact.full_name}


def _details(interview: Interview) -> str:
    return "\n\n".join(part for part in (interview.purpose, interview.meeting_url) if part)


def google_calendar_url(interview: Interview) -> str:
    if interview.starts_at is None:
        return ""
    stamp = "%Y%m%dT%H%M%SZ"
    query = {
        "action": "TEMPLATE",
        "text": _summary(interview),
        "dates": f"{interview.starts_at:{stamp}}/{interview.ends_at:{stamp}}",
        "details": _details(interview),
        "location": interview.meeting_url or interview.location,
        "ctz": interview.time_zone,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_calendar_url(interview: Interview) -> str:
    if interview.starts_at is None:
        return ""
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": _summary(interview),
        "startdt": f"{interview.starts_at:{stamp}}",
        "enddt": f"{interview.ends_at:{stamp}}",
        "body": _details(interview),
        "location": interview.meeting_url or interview.location,
    }
    return f"{OUTLOOK}?{urlencode(query)}"
