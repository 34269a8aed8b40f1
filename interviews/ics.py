"""RFC 5545 output: one interview as a file, a user's private feed, an emailed invitation.

Written line by line rather than through a component library: the feed of a busy recruiter
holds a couple of thousand events and calendar apps poll it every hour. Each zone the events
use gets its VTIMEZONE from interviews.vtimezone, covering the years of those events.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from interviews.models import Interview
from interviews.vtimezone import vtimezone

PRODID = "-//Infoview//Interviews//EN"
STATUS = {
    Interview.Status.PLANNED: "TENTATIVE",
    Interview.Status.SCHEDULED: "CONFIRMED",
    Interview.Status.COMPLETED: "CONFIRMED",
    Interview.Status.NO_SHOW: "CONFIRMED",
    Interview.Status.CANCELLED: "CANCELLED",
}
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "infoview.local"


def interview_uid(interview: Interview) -> str:
    # Derived from the primary key only, so every export of one interview is the same event.
    return f"interview-{interview.pk}@{_domain()}"


def text(value: str) -> str:
    return value.replace("\r\n", "\n").translate(_TEXT_ESCAPES)


def _param(value: str) -> str:
    # A parameter value cannot hold a double quote at all; anything with , ; : is quoted.
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets go on with CRLF and a space, never inside a character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the leading space of a continuation counts
    return "\r\n ".join(parts)


class _Writer:
    """Content lines of one VCALENDAR, with the VTIMEZONE each zone in it needs."""

    def __init__(self, method: str):
        self.lines = [
            "BEGIN:VCALENDAR",
            f"PRODID:{PRODID}",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            f"METHOD:{method}",
        ]
        self.events: list[str] = []
        self.years: dict[str, list[int]] = {}  # zone -> [first year, last year]

    def on_clocks(self, name: str, moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
        """``moment`` on the clocks of ``zone``, or in UTC when those clocks show it twice.

        RFC 5545 reads a repeated local time (a DST fold) as its first occurrence, so the
        second one can only be written in UTC.
        """
        local = moment.astimezone(zone)
        if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
            return f"{name}:{utc(moment)}"
        span = self.years.setdefault(zone.key, [local.year, local.year])
        span[0], span[1] = min(span[0], local.year), max(span[1], local.year)
        return f"{name};TZID={zone.key}:{local:%Y%m%dT%H%M%S}"

    def body(self) -> bytes:
        zones = [
            line
            for key, (first, last) in sorted(self.years.items())
            for line in vtimezone(key, first, last)
        ]
        lines = [*self.lines, *zones, *self.events, "END:VCALENDAR"]
        return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def _event(writer: _Writer, interview: Interview, now: datetime, people: list[str] = ()) -> None:
    zone = zoneinfo.ZoneInfo(interview.time_zone)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{interview_uid(interview)}",
        f"DTSTAMP:{utc(now)}",
        f"LAST-MODIFIED:{utc(interview.updated_at)}",
        f"CREATED:{utc(interview.created_at)}",
        f"SEQUENCE:{interview.sequence}",
        f"STATUS:{STATUS[interview.status]}",
        # Written in the zone the interview was planned in, with its VTIMEZONE, so a calendar
        # keeps the wall-clock time right across a DST change.
        writer.on_clocks("DTSTART", interview.starts_at, zone),
        writer.on_clocks("DTEND", interview.ends_at, zone),
        "SUMMARY:" + text(_("Conversation with %(name)s") % {"name": interview.contact.full_name}),
    ]
    if interview.purpose:
        lines.append(f"DESCRIPTION:{text(interview.purpose)}")
    location = interview.meeting_url or interview.location
    if location:
        lines.append(f"LOCATION:{text(location)}")
    if interview.meeting_url:
        lines.append(f"URL:{interview.meeting_url}")
    writer.events += [*lines, *people, "END:VEVENT"]


def interview_file(interview: Interview) -> bytes:
    writer = _Writer("PUBLISH")
    _event(writer, interview, timezone.now())
    return writer.body()


def _with_people(interview: Interview, method: str) -> bytes:
    """An iTIP message (RFC 5546): organiser and attendee, as calendar clients expect."""
    writer = _Writer(method)
    organiser = interview.owner.email if interview.owner else settings.DEFAULT_FROM_EMAIL
    contact = interview.contact
    people = [
        f"ORGANIZER;CN={_param(str(interview.owner or ''))}:mailto:{organiser}",
        f"ATTENDEE;CN={_param(contact.full_name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
        f"RSVP=TRUE:mailto:{contact.primary_email}",
    ]
    _event(writer, interview, timezone.now(), people)
    return writer.body()


def interview_invitation(interview: Interview) -> bytes:
    return _with_people(interview, "REQUEST")


def interview_cancellation(interview: Interview) -> bytes:
    return _with_people(interview, "CANCEL")


def feed(*, user, interviews, followups=()) -> bytes:
    writer = _Writer("PUBLISH")
    writer.lines += [
        "X-WR-CALNAME:" + text(_("Infoview: %(name)s") % {"name": user}),
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    now = timezone.now()
    for interview in interviews:
        _event(writer, interview, now)
    domain, stamp, kinds = _domain(), utc(now), {}
    for followup in followups:
        if followup.kind not in kinds:  # translated once per kind, not once per row
            kinds[followup.kind] = str(followup.get_kind_display())
        starts = followup.effective_due_at
        summary = _("%(kind)s: %(name)s") % {
            "kind": kinds[followup.kind],
            "name": followup.contact.full_name,
        }
        writer.events += [
            "BEGIN:VEVENT",
            f"UID:followup-{followup.pk}@{domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(starts)}",
            f"DTEND:{utc(starts + timedelta(minutes=15))}",
            f"SUMMARY:{text(summary)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    return writer.body()
