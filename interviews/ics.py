"""RFC 5545 output: one interview as a file, a user's private feed, an emailed invitation."""

import zoneinfo
from datetime import UTC, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from interviews.models import Interview

PRODID = "-//Infoview//Interviews//EN"
STATUS = {
    Interview.Status.PLANNED: "TENTATIVE",
    Interview.Status.SCHEDULED: "CONFIRMED",
    Interview.Status.COMPLETED: "CONFIRMED",
    Interview.Status.NO_SHOW: "CONFIRMED",
    Interview.Status.CANCELLED: "CANCELLED",
}


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "infoview.local"


def interview_uid(interview: Interview) -> str:
    # Derived from the primary key only, so every export of one interview is the same event.
    return f"interview-{interview.pk}@{uid_domain()}"


def _calendar(method: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _on_clocks(moment, zone):
    """``moment`` on the clocks of ``zone``, or in UTC when those clocks show it twice.

    RFC 5545 reads a repeated local time (a DST fold) as its first occurrence, so the second
    one can only be written in UTC.
    """
    local = moment.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _event(interview: Interview) -> icalendar.Event:
    zone = zoneinfo.ZoneInfo(interview.time_zone)
    event = icalendar.Event()
    event.add("uid", interview_uid(interview))
    event.add("dtstamp", timezone.now())
    event.add("last-modified", interview.updated_at)
    event.add("created", interview.created_at)
    event.add("sequence", interview.sequence)
    event.add("status", STATUS[interview.status])
    # Written in the zone the interview was planned in, with its VTIMEZONE, so a calendar
    # keeps the wall-clock time right across a DST change.
    event.add("dtstart", _on_clocks(interview.starts_at, zone))
    event.add("dtend", _on_clocks(interview.ends_at, zone))
    event.add(
        "summary",
        _("Conversation with %(name)s") % {"name": interview.contact.full_name},
    )
    if interview.purpose:
        event.add("description", interview.purpose)
    location = interview.meeting_url or interview.location
    if location:
        event.add("location", location)
    if interview.meeting_url:
        event.add("url", interview.meeting_url)
    return event


def interview_file(interview: Interview) -> bytes:
    calendar = _calendar(method="PUBLISH")
    calendar.add_component(_event(interview))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _with_people(interview: Interview, method: str) -> bytes:
    """An iTIP message (RFC 5546): organiser and attendee, as calendar clients expect."""
    calendar = _calendar(method=method)
    event = _event(interview)
    organiser = interview.owner.email if interview.owner else settings.DEFAULT_FROM_EMAIL
    event.add("organizer", f"mailto:{organiser}", parameters={"cn": str(interview.owner or "")})
    event.add(
        "attendee",
        f"mailto:{interview.contact.primary_email}",
        parameters={
            "cn": interview.contact.full_name,
            "role": "REQ-PARTICIPANT",
            "partstat": "NEEDS-ACTION",
            "rsvp": "TRUE",
        },
    )
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def interview_invitation(interview: Interview) -> bytes:
    return _with_people(interview, "REQUEST")


def interview_cancellation(interview: Interview) -> bytes:
    return _with_people(interview, "CANCEL")


def feed(*, user, interviews, events=()) -> bytes:
    """The private feed: the user's interviews, then the other apps' events (interviews.feed)."""
    calendar = _calendar(method="PUBLISH")
    calendar.add("x-wr-calname", _("Infoview: %(name)s") % {"name": user})
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    for interview in interviews:
        calendar.add_component(_event(interview))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
