"""Every zone a user can choose, read back by a reader that knows only the file's VTIMEZONE.

For each zone: instants every few hours across each of its offset changes in 2026 and 2027
(both DST switches, in both hemispheres) and one in each season, written as the feed, as the
interview's own .ics and as the emailed invitation. The instant read back must be the one the
interview holds.
"""

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import TIME_ZONE_CHOICES, User
from contacts.models import Contact
from interviews import ics, services
from interviews.models import Interview
from interviews.tests.factories import make_interview
from interviews.tests.ical_reader import read_events
from interviews.vtimezone import vtimezone

ZONES = [key for key, _label in TIME_ZONE_CHOICES]
REGIONS = defaultdict(list)
for _key in ZONES:
    REGIONS[_key.split("/")[0]].append(_key)
SEASONS = [datetime(2026, month, 15, 9, 17, tzinfo=UTC) for month in (1, 4, 7, 10)]


def _switches(key: str) -> list[datetime]:
    """Noon (UTC) of each day whose offset differs from the day before, in 2026 and 2027."""
    zone, day = ZoneInfo(key), datetime(2026, 1, 1, 12, tzinfo=UTC)
    found, before = [], day.astimezone(zone).utcoffset()
    while day.year < 2028:
        day += timedelta(days=1)
        offset = day.astimezone(zone).utcoffset()
        if offset != before:
            found.append(day)
        before = offset
    return found


def _instants(key: str) -> list[datetime]:
    around = [
        switch + timedelta(hours=hours, minutes=17)
        for switch in _switches(key)
        for hours in range(-42, 25, 6)
    ]
    return SEASONS + around


def _interviews(key: str) -> list[Interview]:
    owner = User(name="Alice Admin", email="alice@example.test")
    contact = Contact(first_name="Maya", last_name="Lin, Jr.", emails=["maya@example.test"])
    created = datetime(2025, 12, 1, tzinfo=UTC)
    return [
        Interview(
            pk=number,
            owner=owner,
            contact=contact,
            time_zone=key,
            starts_at=starts_at,
            duration_minutes=45,
            status=Interview.Status.SCHEDULED,
            created_at=created,
            updated_at=created,
        )
        for number, starts_at in enumerate(_instants(key), start=1)
    ]


def _assert_read_back(body: bytes, interviews) -> None:
    events = read_events(body)
    for interview in interviews:
        start, end = events[ics.interview_uid(interview)]
        assert (start, end) == (interview.starts_at, interview.ends_at), (
            interview.time_zone,
            interview.starts_at.astimezone(ZoneInfo(interview.time_zone)),
        )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_it_writes_every_zone_so_that_its_own_definition_reads_right(region):
    user = User(name="Alice Admin", email="alice@example.test")
    for key in REGIONS[region]:
        interviews = _interviews(key)
        _assert_read_back(ics.feed(user=user, interviews=interviews), interviews)
        # A file of one event covers fewer years than the feed: each is read on its own too.
        for interview in interviews[0::2]:
            _assert_read_back(ics.interview_file(interview), [interview])
        for interview in interviews[1::2]:
            _assert_read_back(ics.interview_invitation(interview), [interview])


def test_it_covers_the_zones_users_choose():
    assert len(ZONES) > 400
    assert {"Europe/London", "Australia/Sydney", "America/Santiago", "Asia/Kolkata"} <= set(ZONES)
    # Both hemispheres, both switches: enough zones with two changes a year are exercised.
    assert sum(len(_switches(key)) == 4 for key in ZONES) > 100


def test_it_writes_yearly_rules_not_lists_of_dates():
    lines = vtimezone("Europe/London", 2026, 2026)
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in lines
    assert not any(line.startswith("RDATE") for line in lines)
    sydney = vtimezone("Australia/Sydney", 2026, 2027)
    assert sum(line.startswith("BEGIN:") for line in sydney) == 3  # VTIMEZONE, two rules
    assert vtimezone("Asia/Tokyo", 2026, 2026) == (
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "END:STANDARD",
        "END:VTIMEZONE",
    )


def test_the_reader_catches_a_wrong_rule():
    """The reader takes offsets from the file: a wrong rule in the file gives a wrong time."""
    [interview] = [i for i in _interviews("Europe/London") if i.starts_at.month == 4]
    body = ics.interview_file(interview)
    broken = body.replace(b"BYMONTH=3;BYDAY=-1SU", b"BYMONTH=4;BYDAY=-1SU")
    assert broken != body
    [(start, _end)] = read_events(broken).values()
    assert start == interview.starts_at + timedelta(hours=1)


def test_a_london_afternoon_in_november_reads_as_ten_utc(alice, interview):
    interview.starts_at = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    interview.save()
    [(start, _end)] = read_events(ics.interview_file(interview)).values()
    assert start == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 1, 10, tzinfo=UTC), tick=False)
def test_the_feed_view_and_the_ics_view_read_right_in_both_hemispheres(
    client, alice, workspace_a, contact
):
    zones = ["Europe/London", "America/New_York", "Australia/Sydney", "America/Santiago"]
    made = []
    for key, moment in itertools.product(zones, ["2026-03-28", "2026-04-06", "2026-10-25"]):
        day = datetime.fromisoformat(moment).replace(hour=15, tzinfo=UTC)
        interview = make_interview(workspace=workspace_a, owner=alice, contact=contact)
        interview.time_zone, interview.starts_at = key, day
        interview.save()
        made.append(interview)
    token = services.calendar_token_regenerate(user=alice)
    feed = client.get(reverse("calendar:feed", kwargs={"token": token.token}))
    _assert_read_back(feed.content, made)
    client.force_login(alice)
    for interview in made[::3]:
        url = reverse("interviews:ics", kwargs={"ws": workspace_a.slug, "pk": interview.pk})
        _assert_read_back(client.get(url).content, [interview])


def test_the_emailed_invitation_reads_right(
    client, alice, workspace_a, contact, smtp_server, outbox_worker
):
    interview = make_interview(workspace=workspace_a, owner=alice, contact=contact)
    interview.time_zone = "Australia/Sydney"
    interview.starts_at = datetime(2026, 4, 4, 16, 30, tzinfo=UTC)  # 02:30 AEST, the second one
    interview.save()
    client.force_login(alice)
    url = reverse("interviews:invite", kwargs={"ws": workspace_a.slug, "pk": interview.pk})
    token = {"idempotency_token": "zones-invite-0123456789"}
    assert client.post(url, token).status_code == 302
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    [attachment] = [
        p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    _assert_read_back(attachment.get_payload(decode=True), [interview])
