"""The private feed's validator (ETag, Last-Modified, 304), its rate limit and the pages that
hand it and each interview to calendar apps."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from contacts import services as contact_services
from contacts.erasure import contact_erase
from followups import services as followup_services
from followups.tests.factories import ContactFactory, FollowUpFactory
from interviews import services
from interviews.tests.factories import make_interview

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def feed(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Maya")
    interview = make_interview(workspace=workspace_a, owner=alice, contact=contact)
    followup = FollowUpFactory(contact=contact, owner=alice, due_at=NOW + timedelta(days=2))
    token = services.calendar_token_regenerate(user=alice)
    return {
        "url": reverse("calendar:feed", kwargs={"token": token.token}),
        "interview": interview,
        "followup": followup,
        "contact": contact,
    }


def _etag(client, feed):
    response = client.get(feed["url"])
    assert response.status_code == 200
    return response["ETag"]


def test_it_answers_304_to_its_own_validators(client, feed):
    first = client.get(feed["url"])
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    again = client.get(feed["url"], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(feed["url"], headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(feed["url"], headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert b"BEGIN:VEVENT" in other.content


def test_its_validator_names_the_language_the_file_is_written_in(client, feed):
    english = client.get(feed["url"], headers={"Accept-Language": "en"})
    assert "Conversation with" in english.content.decode()
    # A calendar app that now asks in French, sending back the English file's validator, is
    # sent the French file, not told that the English one still holds.
    french = client.get(
        feed["url"], headers={"Accept-Language": "fr", "If-None-Match": english["ETag"]}
    )
    assert french.status_code == 200
    assert "Conversation avec" in french.content.decode()
    assert french["ETag"] != english["ETag"]
    assert "Accept-Language" in french["Vary"]
    again = client.get(
        feed["url"], headers={"Accept-Language": "fr", "If-None-Match": french["ETag"]}
    )
    assert again.status_code == 304


def test_a_304_costs_no_file(client, feed, django_assert_num_queries, _frozen):
    etag = _etag(client, feed)
    # The token and the user's workspaces: the figures of the file just written are kept...
    with django_assert_num_queries(2):
        assert client.get(feed["url"], headers={"If-None-Match": etag}).status_code == 304
    # ... for the minute: then one aggregate for each part, without reading a row...
    _frozen.shift(timedelta(minutes=1))
    with django_assert_num_queries(4):
        assert client.get(feed["url"], headers={"If-None-Match": etag}).status_code == 304
    # ... whose figures are kept until a write or the next minute.
    with django_assert_num_queries(2):
        assert client.get(feed["url"], headers={"If-None-Match": etag}).status_code == 304


def _poll(client, feed, etag):
    response = client.get(feed["url"], headers={"If-None-Match": etag})
    return response.status_code, response["ETag"]


def test_a_poll_sees_every_change_at_once_though_the_figures_are_kept(client, alice, feed, _frozen):
    """The 304's figures are kept in the shared cache; a write through the app must still give
    the next poll the new file, whoever polled just before."""
    etag = _etag(client, feed)
    assert _poll(client, feed, etag) == (304, etag)  # the figures are now kept

    def changed(change):
        nonlocal etag
        _frozen.shift(timedelta(seconds=1))  # the same minute
        change()
        status, new = _poll(client, feed, etag)
        assert status == 200 and new != etag
        etag = new
        assert _poll(client, feed, etag) == (304, etag)

    interview, contact = feed["interview"], feed["contact"]
    changed(lambda: services.interview_update(interview=interview, location="Room 4"))
    changed(
        lambda: followup_services.followup_snooze(
            followup=feed["followup"], until=NOW + timedelta(days=3)
        )
    )
    changed(lambda: contact_services.contact_update(contact=contact, by=None, last_name="Ode"))
    changed(lambda: services.interview_cancel(interview=interview, reason="Ill"))
    client.force_login(alice)
    changed(
        lambda: client.post(
            reverse("followups:create", kwargs={"ws": interview.workspace.slug}),
            {
                "contact": contact.pk,
                "kind": "custom",
                "title": "Send the notes",
                "due_at": "2026-11-27T10:00",
            },
        )
    )


def test_what_leaves_the_window_leaves_a_polled_feed_within_a_minute(client, feed, _frozen):
    # An interview 30 days and 10 seconds ago: in the window now, out of it 20 seconds on.
    services.interview_update(
        interview=feed["interview"], starts_at=NOW - timedelta(days=30) + timedelta(seconds=10)
    )
    etag = _etag(client, feed)
    assert _poll(client, feed, etag) == (304, etag)
    _frozen.shift(timedelta(seconds=20))
    assert _poll(client, feed, etag) == (304, etag)  # the minute's figures, kept
    _frozen.shift(timedelta(seconds=45))
    status, new = _poll(client, feed, etag)
    assert status == 200 and new != etag


def test_a_member_who_leaves_a_workspace_loses_its_interviews_at_the_next_poll(client, alice, feed):
    etag = _etag(client, feed)
    assert _poll(client, feed, etag) == (304, etag)
    alice.membership_set.filter(workspace=feed["interview"].workspace).delete()
    status, _new = _poll(client, feed, etag)
    assert status == 200


def test_every_change_a_calendar_must_see_changes_the_etag(client, feed, _frozen):
    seen = {_etag(client, feed)}

    def changed(change):
        _frozen.shift(timedelta(seconds=5))  # the clock moves between two edits
        change()
        etag = _etag(client, feed)
        assert etag not in seen
        seen.add(etag)

    interview, contact = feed["interview"], feed["contact"]
    later = interview.starts_at + timedelta(days=1)
    changed(lambda: services.interview_update(interview=interview, starts_at=later))
    snooze_until = NOW + timedelta(days=3)
    changed(
        lambda: followup_services.followup_snooze(followup=feed["followup"], until=snooze_until)
    )
    changed(lambda: contact_services.contact_update(contact=contact, by=None, first_name="Mia"))
    changed(lambda: make_interview(workspace=interview.workspace, owner=interview.owner))
    # Through the app an interview leaves the database with its contact (erasure).
    changed(lambda: contact_erase(contact=contact, actor=None))
    # Nothing changed: the same validator.
    assert _etag(client, feed) in seen


def test_the_feed_is_rate_limited_per_address(client, feed, alice, bob, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "calendar_feed": "2/m"}
    assert client.get(feed["url"]).status_code == 200
    assert client.get(feed["url"]).status_code == 200
    refused = client.get(feed["url"])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another person's feed, fetched by the same calendar service, is not held back.
    bobs = services.calendar_token_regenerate(user=bob)
    assert client.get(reverse("calendar:feed", kwargs={"token": bobs.token})).status_code == 200


def test_the_settings_page_offers_a_webcal_subscription(client, alice, workspace_a):
    client.force_login(alice)
    page_url = reverse("interviews:calendar", kwargs={"ws": workspace_a.slug})
    create_url = reverse("interviews:calendar_regenerate", kwargs={"ws": workspace_a.slug})
    first = client.post(create_url, follow=True).text
    assert "Your calendar feed is ready" in first
    assert "the old one is dead" not in first
    token = alice.calendar_tokens.get(revoked_at=None)
    assert f'href="webcal://testserver/calendar/{token.token}.ics"' in client.get(page_url).text
    assert "the old one is dead" in client.post(create_url, follow=True).text


def test_an_interview_page_links_to_google_calendar_and_outlook(client, alice, feed):
    interview = feed["interview"]
    interview.starts_at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    interview.time_zone = "America/New_York"
    interview.duration_minutes = 45
    interview.save()
    client.force_login(alice)
    page = client.get(interview.get_absolute_url()).content.decode()
    links = {}
    for chunk in page.split('href="')[1:]:
        href = chunk.split('"')[0].replace("&amp;", "&")
        host = urlsplit(href).hostname or ""
        if "google" in host or "outlook" in host:
            links[host] = parse_qs(urlsplit(href).query)
    google = links["calendar.google.com"]
    assert google["dates"] == ["20261201T140000Z/20261201T144500Z"]
    assert google["ctz"] == ["America/New_York"]
    assert google["text"] == ["Conversation with Maya " + feed["contact"].last_name]
    outlook = links["outlook.live.com"]
    assert outlook["startdt"] == ["2026-12-01T14:00:00Z"]
    assert outlook["enddt"] == ["2026-12-01T14:45:00Z"]
    assert outlook["rru"] == ["addevent"]


def _file(client, feed, **headers) -> str:
    response = client.get(feed["url"], headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_fetch_without_a_validator_after_no_change_reads_no_row(
    client, feed, django_assert_num_queries
):
    first = _file(client, feed)
    # The token and the user's workspaces; the figures and the file are kept.
    with django_assert_num_queries(2):
        assert _file(client, feed) == first


def test_a_kept_file_shows_every_change_at_the_next_fetch(client, alice, feed, _frozen):
    """The file is kept in the shared cache; every change a calendar must see is in the next
    fetch without a validator, in the same minute (the figures kept for it too)."""
    interview, contact = feed["interview"], feed["contact"]
    seen, etag = _file(client, feed), _etag(client, feed)

    def changed(change, *, shows: str) -> None:
        nonlocal seen, etag
        _frozen.shift(timedelta(seconds=1))
        assert _file(client, feed) == seen  # kept (a file made now has a new DTSTAMP)
        change()
        # A calendar app's poll with the old validator, then a fetch without one.
        polled = client.get(feed["url"], headers={"If-None-Match": etag})
        assert polled.status_code == 200 and shows in polled.content.decode()
        etag = polled["ETag"]
        assert _file(client, feed) == polled.content.decode()
        seen = polled.content.decode()

    changed(
        lambda: services.interview_update(interview=interview, location="Room 4"), shows="Room 4"
    )
    changed(
        lambda: followup_services.followup_snooze(
            followup=feed["followup"], until=NOW + timedelta(days=3)
        ),
        shows="DTSTART:20261129T090000Z",
    )
    changed(
        lambda: contact_services.contact_update(contact=contact, by=None, last_name="Ode"),
        shows="SUMMARY:Conversation with Maya Ode",
    )
    client.force_login(alice)
    account = {"name": "Alice Renamed", "language": "", "reminder_preference": "immediate"}
    changed(
        lambda: client.post(reverse("accounts:settings"), {**account, "time_zone": "UTC"}),
        shows="X-WR-CALNAME:Infoview: Alice Renamed",
    )
    # The file is read in the language the calendar app asks for, never another's copy.
    assert "Conversation avec Maya Ode" in _file(client, feed, **{"Accept-Language": "fr"})
    assert "Conversation with Maya Ode" in _file(client, feed, **{"Accept-Language": "en"})
    # The user's own time zone is not in the file (each time is UTC or in the interview's
    # zone): changing it changes nothing there.
    before = _file(client, feed)
    client.post(reverse("accounts:settings"), {**account, "time_zone": "Asia/Tokyo"})
    assert _file(client, feed) == before


@pytest.mark.parametrize("size", [1, 6])
def test_a_fetch_costs_the_same_queries_whatever_the_feed_holds(
    client, alice, workspace_a, size, django_assert_num_queries
):
    for _ in range(size):
        contact = ContactFactory(workspace=workspace_a, owner=alice)
        make_interview(workspace=workspace_a, owner=alice, contact=contact)
        FollowUpFactory(contact=contact, owner=alice, due_at=NOW + timedelta(days=1))
    url = reverse(
        "calendar:feed", kwargs={"token": services.calendar_token_regenerate(user=alice).token}
    )
    # The token, the user's workspaces, the interviews, the follow-ups...
    with django_assert_num_queries(4):
        first = client.get(url).content
    assert first.count(b"BEGIN:VEVENT") == 2 * size
    # ... then, until something changes, the file kept.
    with django_assert_num_queries(2):
        assert client.get(url).content == first
