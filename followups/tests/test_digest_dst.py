"""The 08:00 digest across the 2026 DST changes, with the clock simulated minute by minute."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest

from accounts.tests.factories import UserFactory
from followups import reminders
from followups.models import Reminder

pytestmark = pytest.mark.django_db

CHANGES = [
    ("Europe/London", date(2026, 3, 29)),
    ("Europe/London", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
]


@pytest.mark.parametrize(("zone", "day"), CHANGES, ids=[f"{z} {d}" for z, d in CHANGES])
def test_the_digest_goes_out_once_per_local_day_at_eight(zone, day):
    tz = zoneinfo.ZoneInfo(zone)
    user = UserFactory(time_zone=zone)
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=tz).astimezone(
        zoneinfo.ZoneInfo("UTC")
    )
    end = datetime.combine(day + timedelta(days=2), time(0), tzinfo=tz).astimezone(
        zoneinfo.ZoneInfo("UTC")
    )

    now = start
    while now < end:
        reminders.digests_schedule(now=now)
        now += timedelta(minutes=1)

    rows = list(Reminder.objects.filter(user=user, kind="digest").order_by("local_date"))
    assert [r.local_date for r in rows] == [day - timedelta(days=1), day, day + timedelta(days=1)]
    for row in rows:
        assert row.due_at.astimezone(tz).time() == time(8, 0)
        assert row.due_at.astimezone(tz).date() == row.local_date
        # Written in the first simulated minute at or after 08:00 local, not an hour off.
        assert row.created_at.astimezone(tz).time() == time(8, 0)
    # The day of the change is 23 or 25 hours long, and the two 08:00s are 24 h ± 1 h apart.
    gaps = {rows[i + 1].due_at - rows[i].due_at for i in range(2)}
    assert gaps <= {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}
    assert len(gaps) == 2


def test_a_time_zone_change_after_the_digest_makes_no_second_one():
    """Digested at 08:00 in Tokyo, then moved to Los Angeles, where it is the day before."""
    user = UserFactory(time_zone="Asia/Tokyo")
    tokyo_eight = datetime(2026, 11, 30, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert reminders.digests_schedule(now=tokyo_eight) >= 1
    user.time_zone = "America/Los_Angeles"
    user.save(update_fields=["time_zone"])
    now = tokyo_eight
    for _minute in range(36 * 60):  # through LA's 29 and 30 November
        reminders.digests_schedule(now=now)
        now += timedelta(minutes=1)
    rows = list(Reminder.objects.filter(user=user, kind="digest").order_by("local_date"))
    assert [r.local_date for r in rows] == [date(2026, 11, 30)]
    # The next local day after the digested one gets its digest as usual.
    la_eight = datetime(2026, 12, 1, 8, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    reminders.digests_schedule(now=la_eight)
    dates = list(
        Reminder.objects.filter(user=user, kind="digest").values_list("local_date", flat=True)
    )
    assert sorted(dates) == [date(2026, 11, 30), date(2026, 12, 1)]
