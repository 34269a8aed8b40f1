from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMessage
from followups.models import FollowUp
from interviews import ics, services
from interviews.models import CalendarToken
from interviews.tests.factories import make_interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def planned(interview):
    interview.starts_at = datetime(2026, 10, 24, 14, 0, tzinfo=UTC)  # 15:00 BST in London
    interview.duration_minutes = 45
    interview.meeting_url = "https://meet.example.test/room"
    interview.purpose = "Learn about data engineering"
    interview.save()
    return interview


def _events(body: bytes):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_ics_file_reads_back_field_by_field(client, alice, planned, url):
    client.force_login(alice)
    response = client.get(url("ics", pk=planned.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert "attachment" in response["Content-Disposition"]
    calendar, [event] = _events(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == ics.PRODID
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["UID"]) == f"interview-{planned.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Conversation with Maya Lin"
    assert str(event["DESCRIPTION"]) == "Learn about data engineering"
    assert str(event["LOCATION"]) == "https://meet.example.test/room"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == planned.starts_at
    assert end - start == timedelta(minutes=45)
    # Written on the planner's clocks, with the zone defined in the file.
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert start.replace(tzinfo=None) == datetime(2026, 10, 24, 15, 0)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_the_uid_is_stable_and_changes_bump_the_sequence(client, alice, planned, url):
    client.force_login(alice)
    _, [before] = _events(client.get(url("ics", pk=planned.pk)).content)
    services.interview_update(interview=planned, starts_at=planned.starts_at + timedelta(hours=1))
    _, [after] = _events(client.get(url("ics", pk=planned.pk)).content)
    assert before["UID"] == after["UID"]
    assert after["SEQUENCE"] == 1
    assert after.decoded("DTSTART") == datetime(2026, 10, 24, 15, 0, tzinfo=UTC)


def test_a_cancellation_reads_back_as_cancelled(client, alice, planned, url):
    services.interview_cancel(interview=planned, reason="Ill")
    client.force_login(alice)
    _, [event] = _events(client.get(url("ics", pk=planned.pk)).content)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"interview-{planned.pk}@127.0.0.1"


def test_new_york_times_keep_their_zone_across_dst(alice, planned):
    planned.time_zone = "America/New_York"
    planned.starts_at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30, EDT
    planned.save()
    _, [event] = _events(ics.interview_file(planned))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").astimezone(UTC) == planned.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-4)
    # It ends at the second 01:15 (EST): a TZID time would be read as the first, so UTC.
    assert event.decoded("DTEND") == datetime(2026, 11, 1, 6, 15, tzinfo=UTC)

    planned.starts_at = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # the second 01:30, EST
    planned.save()
    _, [event] = _events(ics.interview_file(planned))
    assert event.decoded("DTSTART").astimezone(UTC) == planned.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)


def test_an_undated_interview_has_no_ics(client, alice, workspace_a, url):
    undated = make_interview(workspace=workspace_a, owner=alice, starts_in=None)
    client.force_login(alice)
    assert client.get(url("ics", pk=undated.pk)).status_code == 404


def _feed(client, token):
    return client.get(reverse("calendar:feed", kwargs={"token": token}))


def test_the_private_feed_lists_my_interviews_and_follow_ups(client, alice, bob, workspace_a):
    mine = make_interview(workspace=workspace_a, owner=alice)
    bobs = make_interview(workspace=workspace_a, owner=bob)
    old = make_interview(workspace=workspace_a, owner=alice, starts_in=-timedelta(days=60))
    next_year = make_interview(workspace=workspace_a, owner=alice, starts_in=timedelta(days=300))
    too_far = make_interview(workspace=workspace_a, owner=alice, starts_in=timedelta(days=400))
    cancelled = make_interview(workspace=workspace_a, owner=alice)
    services.interview_cancel(interview=cancelled)
    done = make_interview(workspace=workspace_a, owner=alice, starts_in=-timedelta(hours=3))
    services.interview_complete(interview=done, completed_at=timezone.now())
    token = services.calendar_token_regenerate(user=alice)

    response = _feed(client, token.token)  # no session: calendar apps do not log in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    _, events = _events(response.content)
    uids = {str(e["UID"]): e for e in events}
    assert f"interview-{mine.pk}@127.0.0.1" in uids
    assert f"interview-{bobs.pk}@127.0.0.1" not in uids
    assert f"interview-{old.pk}@127.0.0.1" not in uids
    # The year ahead, no further (docs/interviews.md says why).
    assert f"interview-{next_year.pk}@127.0.0.1" in uids
    assert f"interview-{too_far.pk}@127.0.0.1" not in uids
    assert str(uids[f"interview-{cancelled.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"
    thank_you = FollowUp.objects.get(interview=done)
    followup_event = uids[f"followup-{thank_you.pk}@127.0.0.1"]
    assert followup_event.decoded("DTSTART") == thank_you.due_at.replace(microsecond=0)


def test_the_feed_holds_recent_and_coming_follow_ups_at_their_next_time(client, alice, workspace_a):
    from followups.tests.factories import ContactFactory, FollowUpFactory

    contact = ContactFactory(workspace=workspace_a, owner=alice)
    now = timezone.now()
    stale = FollowUpFactory(contact=contact, owner=alice, due_at=now - timedelta(days=40))
    recent = FollowUpFactory(contact=contact, owner=alice, due_at=now - timedelta(days=3))
    far = FollowUpFactory(contact=contact, owner=alice, due_at=now + timedelta(days=400))
    snoozed = FollowUpFactory(
        contact=contact,
        owner=alice,
        due_at=now - timedelta(days=50),
        status=FollowUp.Status.SNOOZED,
        snoozed_until=now + timedelta(days=2),
    )
    token = services.calendar_token_regenerate(user=alice)

    _, events = _events(_feed(client, token.token).content)

    starts = {str(e["UID"]).split("@")[0]: e.decoded("DTSTART") for e in events}
    assert f"followup-{recent.pk}" in starts
    assert f"followup-{stale.pk}" not in starts
    assert f"followup-{far.pk}" not in starts
    assert starts[f"followup-{snoozed.pk}"] == snoozed.snoozed_until.replace(microsecond=0)


def test_the_feed_drops_workspaces_i_left(client, alice, bob, workspace_a):
    from accounts.models import Membership

    make_interview(workspace=workspace_a, owner=bob)
    token = services.calendar_token_regenerate(user=bob)
    Membership.objects.filter(user=bob, workspace=workspace_a).delete()
    _, events = _events(_feed(client, token.token).content)
    assert events == []


def test_a_wrong_or_revoked_token_answers_404(client, alice):
    first = services.calendar_token_regenerate(user=alice)
    assert _feed(client, "not-the-token").status_code == 404
    second = services.calendar_token_regenerate(user=alice)
    assert _feed(client, first.token).status_code == 404
    assert _feed(client, second.token).status_code == 200
    services.calendar_token_revoke(user=alice)
    assert _feed(client, second.token).status_code == 404
    assert not CalendarToken.objects.filter(user=alice, revoked_at=None).exists()


def test_the_feed_settings_page_makes_and_revokes_the_address(client, alice, url):
    client.force_login(alice)
    assert "Create my feed address" in client.get(url("calendar")).text
    client.post(url("calendar_regenerate"))
    token = CalendarToken.objects.get(user=alice, revoked_at=None)
    page = client.get(url("calendar")).text
    assert f"http://testserver/calendar/{token.token}.ics" in page
    client.post(url("calendar_regenerate"))
    assert CalendarToken.objects.get(user=alice, revoked_at=None) != token
    client.post(url("calendar_revoke"))
    assert not CalendarToken.objects.filter(user=alice, revoked_at=None).exists()


TOKEN = {"idempotency_token": "invite-token-0123456789"}


def test_the_contact_gets_an_invitation_by_email(
    client, alice, planned, url, smtp_server, outbox_worker
):
    client.force_login(alice)
    response = client.post(url("invite", pk=planned.pk), TOKEN, follow=True)
    assert f"Invitation queued for {planned.contact.primary_email}." in response.text
    assert 'data-outgoing-state="pending"' in response.text
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    assert message["To"] == planned.contact.primary_email
    assert "15:00" in message.get_body(("plain",)).get_content()  # the planner's clocks
    [attachment] = [
        p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    assert attachment.get_param("method") == "REQUEST"
    calendar, [event] = _events(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:alice@example.test"
    assert str(event["ATTENDEE"]) == f"mailto:{planned.contact.primary_email}"
    assert event.decoded("DTSTART") == planned.starts_at
    assert event.decoded("DTSTART").tzinfo.key == ZoneInfo("Europe/London").key


def test_no_invitation_without_an_email_address(client, alice, planned, url, smtp_server):
    planned.contact.emails = []
    planned.contact.save()
    client.force_login(alice)
    response = client.post(url("invite", pk=planned.pk), TOKEN, follow=True)
    assert "This contact has no email address." in response.text
    assert not OutgoingMessage.objects.exists()


def test_an_invitation_posted_twice_is_queued_once(
    client, alice, planned, url, smtp_server, outbox_worker
):
    client.force_login(alice)
    client.post(url("invite", pk=planned.pk), TOKEN)
    again = client.post(url("invite", pk=planned.pk), TOKEN, follow=True)
    assert "already on its way; it was not sent again" in again.text
    other_tab = {"idempotency_token": "another-tab-0123456789"}
    client.post(url("invite", pk=planned.pk), other_tab)
    assert OutgoingMessage.objects.count() == 1
    outbox_worker()
    assert len(smtp_server.messages) == 1


def test_an_invitation_without_its_token_is_a_400(client, alice, planned, url):
    client.force_login(alice)
    assert client.post(url("invite", pk=planned.pk)).status_code == 400
    assert not OutgoingMessage.objects.exists()


def test_an_invited_contact_hears_of_the_cancellation(
    client, alice, planned, url, smtp_server, outbox_worker
):
    client.force_login(alice)
    client.post(url("invite", pk=planned.pk), TOKEN)
    planned.refresh_from_db()
    assert planned.invited_at is not None
    response = client.post(url("cancel", pk=planned.pk), {"reason": "Travel"}, follow=True)
    assert f"A cancellation email to {planned.contact.primary_email} is queued." in response.text
    assert outbox_worker() == {"sent": 2}
    _invitation, cancellation = smtp_server.messages
    assert cancellation["Subject"] == "Cancelled: conversation with Alice Admin"
    assert "Travel" in cancellation.get_body(("plain",)).get_content()
    [attachment] = [
        p for p in cancellation.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    assert attachment.get_param("method") == "CANCEL"
    calendar, [event] = _events(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"interview-{planned.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 1
    # Cancelling again sends nothing more.
    client.post(url("cancel", pk=planned.pk))
    assert outbox_worker() == {}
    assert len(smtp_server.messages) == 2


def test_a_cancellation_posted_twice_says_so_and_emails_once(client, alice, planned, url):
    client.force_login(alice)
    client.post(url("invite", pk=planned.pk), TOKEN)
    client.post(url("cancel", pk=planned.pk), {"reason": "Travel"})
    again = client.post(url("cancel", pk=planned.pk), {"reason": "Travel"}, follow=True)
    assert "This interview was already cancelled; nothing was sent again." in again.text
    assert OutgoingMessage.objects.filter(kind=services.CANCELLATION_KIND).count() == 1


def test_a_cancellation_that_cannot_be_queued_leaves_the_interview_open(
    client, alice, planned, url, monkeypatch
):
    """Cancelling and queuing its email are one transaction: no cancelled interview whose
    invited contact is never told."""
    client.force_login(alice)
    client.post(url("invite", pk=planned.pk), TOKEN)

    def broken(**kwargs):
        raise RuntimeError("the outbox is unreachable")

    monkeypatch.setattr(services, "interview_send_cancellation", broken)
    client.raise_request_exception = False
    assert client.post(url("cancel", pk=planned.pk), {"reason": "Travel"}).status_code == 500
    planned.refresh_from_db()
    assert planned.status != planned.Status.CANCELLED


def test_an_uninvited_contact_gets_no_cancellation(client, alice, planned, url, smtp_server):
    client.force_login(alice)
    client.post(url("cancel", pk=planned.pk))
    assert not OutgoingMessage.objects.exists()
