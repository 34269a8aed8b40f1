"""RFC 5545 output: one interview as a file, a user's private feed, an emailed invitation.

Written line by line rather than through a component library: the feed of a busy recruiter
holds a couple of thousand events and calendar apps poll it every hour. Each zone the events
use gets its VTIMEZONE from interviews.vtimezone, covering the years of those events.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import CharField, Func, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from interviews.models import Interview
from interviews.selectors import ChangeText
from interviews.vtimezone import vtimezone

PRODID = "-//Infoview//Interviews//EN"
STATUS = {
    Interview.Status.PLANNED: "TENTATIVE",
    Interview.Status.SCHEDULED: "CONFIRMED",
    Interview.Status.COMPLETED: "CONFIRMED",
    Interview.Status.NO_SHOW: "CONFIRMED",
    Interview.Status.CANCELLED: "CANCELLED",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "infoview.local"


def interview_uid(interview: Interview) -> str:
    # Derived from the primary key only, so every export of one interview is the same event.
    return f"interview-{interview.pk}@{_domain()}"


def text(value: str) -> str:
    # Chained replace: str.translate with a dict looks up every character (ten times slower
    # on a feed of thousands of descriptions).
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    # A parameter value cannot hold a double quote at all; anything with , ; : is quoted.
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def utc(moment: datetime) -> str:
    m = moment.astimezone(UTC)
    # Two integers formatted, not six: this runs twice per event of a feed of thousands.
    day, time = m.year * 10000 + m.month * 100 + m.day, m.hour * 10000 + m.minute * 100 + m.second
    return f"{day:08}T{time:06}Z"


class UtcText(Func):
    """``utc()`` of a timestamp column, written by PostgreSQL as it reads the row: a feed of
    two thousand events then parses and formats no datetime in Python for these fields."""

    template = "to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')"
    output_field = CharField()


def _fold(line: str) -> str:
    """Lines longer than 75 octets go on with CRLF and a space, never inside a character."""
    if len(line) <= 75 and line.isascii():
        return line
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
        # Content lines already folded (events are written by the thousand: each line is
        # folded where it is made, and only the lines that can be long are looked at).
        self.events: list[str] = []
        self.years: dict[str, list[int]] = {}  # zone -> [first year, last year]
        self._zones: dict[str, zoneinfo.ZoneInfo] = {}
        self.summaries: dict[tuple, str] = {}  # (template, first name, last name) -> line
        self.lengths: dict[int, timedelta] = {}  # minutes -> timedelta

    def zone(self, key: str) -> zoneinfo.ZoneInfo:
        zone = self._zones.get(key)
        if zone is None:
            zone = self._zones[key] = zoneinfo.ZoneInfo(key)
        return zone

    def on_clocks(self, name: str, moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
        """``moment`` on the clocks of ``zone``, or in UTC when those clocks show it twice.

        RFC 5545 reads a repeated local time (a DST fold) as its first occurrence, so the
        second one can only be written in UTC.
        """
        local = moment.astimezone(zone)
        if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
            return f"{name}:{utc(moment)}"
        year = local.year
        span = self.years.get(zone.key)
        if span is None:
            self.years[zone.key] = [year, year]
        elif not span[0] <= year <= span[1]:
            span[0], span[1] = min(span[0], year), max(span[1], year)
        day = year * 10000 + local.month * 100 + local.day
        time = local.hour * 10000 + local.minute * 100 + local.second
        return f"{name};TZID={zone.key}:{day:08}T{time:06}"

    def body(self) -> bytes:
        zones = [
            line
            for key, (first, last) in sorted(self.years.items())
            for line in vtimezone(key, first, last)
        ]
        head = [_fold(line) for line in [*self.lines, *zones]]
        return ("\r\n".join([*head, *self.events, "END:VCALENDAR"]) + "\r\n").encode()


# What an event needs of an interview, as ``rows`` reads it (a feed of two thousand events is
# read as tuples: model instances would cost more than writing the file). Its two UTC times come
# as text (``UtcText``); the last two fields, the interview's and its contact's last change, are
# not written: the feed's validator reads them (``selectors.feed_version_of_rows``).
ROW_TEXTS = {
    "modified_utc": UtcText("updated_at"),
    "created_utc": UtcText("created_at"),
    "changed": ChangeText("updated_at"),
    "contact_changed": ChangeText("contact__updated_at"),
}
ROW_FIELDS = (
    "pk",
    "time_zone",
    "starts_at",
    "duration_minutes",
    "modified_utc",
    "created_utc",
    "sequence",
    "status",
    "purpose",
    "meeting_url",
    "location",
    "contact__first_name",
    "contact__last_name",
    "changed",
    "contact_changed",
)


def rows(interviews: QuerySet) -> list[tuple]:
    """The interviews of ``interviews`` as ``ROW_FIELDS`` tuples, in one query."""
    return list(interviews.annotate(**ROW_TEXTS).values_list(*ROW_FIELDS))


def _row(interview: Interview) -> tuple:
    contact = interview.contact
    return (
        interview.pk,
        interview.time_zone,
        interview.starts_at,
        interview.duration_minutes,
        utc(interview.updated_at),
        utc(interview.created_at),
        interview.sequence,
        interview.status,
        interview.purpose,
        interview.meeting_url,
        interview.location,
        contact.first_name,
        contact.last_name,
    )


def _event(
    writer: _Writer, row: tuple, stamp: str, summary: str, domain: str, people: list[str] = ()
) -> None:
    """One VEVENT from a ``ROW_FIELDS`` row; ``summary`` holds ``%(name)s``."""
    (
        pk,
        zone_key,
        starts_at,
        minutes,
        modified,
        created,
        sequence,
        status,
        purpose,
        meeting_url,
        location,
        first_name,
        last_name,
        *_changes,
    ) = row
    zone = writer.zone(zone_key)
    # A busy recruiter meets most contacts more than once: each name's line is made once.
    named = writer.summaries.get((summary, first_name, last_name))
    if named is None:
        name = f"{first_name} {last_name}".strip()
        named = _fold("SUMMARY:" + text(summary % {"name": name}))
        writer.summaries[summary, first_name, last_name] = named
    length = writer.lengths.get(minutes)
    if length is None:
        length = writer.lengths[minutes] = timedelta(minutes=minutes)
    lines = writer.events
    lines += (
        "BEGIN:VEVENT",
        _fold(f"UID:interview-{pk}@{domain}"),
        stamp,
        f"LAST-MODIFIED:{modified}",
        f"CREATED:{created}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{STATUS[status]}",
        # Written in the zone the interview was planned in, with its VTIMEZONE, so a calendar
        # keeps the wall-clock time right across a DST change.
        _fold(writer.on_clocks("DTSTART", starts_at, zone)),
        _fold(writer.on_clocks("DTEND", starts_at + length, zone)),
        named,
    )
    if purpose:
        lines.append(_fold(f"DESCRIPTION:{text(purpose)}"))
    where = meeting_url or location
    if where:
        lines.append(_fold(f"LOCATION:{text(where)}"))
    if meeting_url:
        lines.append(_fold(f"URL:{meeting_url}"))
    lines += [_fold(line) for line in people]
    lines.append("END:VEVENT")


def _one(writer: _Writer, interview: Interview, people: list[str] = ()) -> None:
    _event(
        writer,
        _row(interview),
        f"DTSTAMP:{utc(timezone.now())}",
        _("Conversation with %(name)s"),
        _domain(),
        people,
    )


def interview_file(interview: Interview) -> bytes:
    writer = _Writer("PUBLISH")
    _one(writer, interview)
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
    _one(writer, interview, people)
    return writer.body()


def interview_invitation(interview: Interview) -> bytes:
    return _with_people(interview, "REQUEST")


def interview_cancellation(interview: Interview) -> bytes:
    return _with_people(interview, "CANCEL")


# A follow-up takes a quarter of an hour in a calendar, from when it next asks for attention.
FOLLOWUP_LENGTH = timedelta(minutes=15)


def feed(*, user, interviews, followups=()) -> bytes:
    """The private feed: ``interviews`` (a queryset; ``ROW_FIELDS`` tuples, as ``rows`` reads
    them; or model instances) and ``followups``, rows of (pk, summary, start, end) the app above
    writes, the times as ``utc()`` text."""
    writer = _Writer("PUBLISH")
    writer.lines += [
        "X-WR-CALNAME:" + text(_("Infoview: %(name)s") % {"name": user}),
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    now = timezone.now()
    domain, stamp = _domain(), f"DTSTAMP:{utc(now)}"
    if isinstance(interviews, QuerySet):
        interviews = rows(interviews)
    # Translated once for the whole feed, not once per event.
    summary = _("Conversation with %(name)s")
    for row in interviews:
        _event(writer, row if isinstance(row, tuple) else _row(row), stamp, summary, domain)
    for pk, title, starts, ends in followups:
        writer.events += (
            "BEGIN:VEVENT",
            _fold(f"UID:followup-{pk}@{domain}"),
            stamp,
            f"DTSTART:{starts}",
            f"DTEND:{ends}",
            _fold(f"SUMMARY:{text(title)}"),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        )
    return writer.body()
