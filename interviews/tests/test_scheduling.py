from datetime import UTC, datetime, timedelta

import pytest

from contacts.models import Contact
from interviews import services
from interviews.models import Interview
from interviews.tests.factories import ContactFactory, make_interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _form(contact, **overrides):
    data = {
        "contact": contact.pk if contact else "",
        "date": "2026-12-02",
        "start_time": "10:00",
        "end_time": "10:45",
        "time_zone": "Europe/London",
        "mode": "video",
        "meeting_url": "https://meet.example.test/abc",
        "location": "",
        "purpose": "Learn about product design",
    }
    data.update(overrides)
    return data


def test_it_schedules_an_interview_in_the_chosen_time_zone(client, alice, contact, url):
    client.force_login(alice)
    response = client.post(
        url("create"), _form(contact, time_zone="America/New_York", start_time="09:30")
    )
    interview = Interview.objects.get()
    assert response.status_code == 302
    assert response.url == interview.get_absolute_url()
    assert interview.starts_at == datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
    assert interview.duration_minutes == 75
    assert interview.time_zone == "America/New_York"
    assert interview.status == Interview.Status.SCHEDULED
    assert interview.scheduled_at is not None
    assert interview.owner == alice
    assert interview.prep_items.count() == 11  # the team template: 9 + 2 for recruiters


def test_it_shows_the_time_in_each_viewers_own_zone(client, alice, bob, contact, url):
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    interview = make_interview(workspace=contact.workspace, owner=alice, contact=contact)
    interview.starts_at = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
    interview.save()
    client.force_login(alice)  # Europe/London
    assert "14:30" in client.get(url("detail", pk=interview.pk)).text
    client.force_login(bob)
    page = client.get(url("detail", pk=interview.pk)).text
    assert "23:30" in page
    assert "14:30 in Europe/London, where it was planned" in page


def test_it_leaves_an_undated_interview_planned(client, alice, contact, url):
    client.force_login(alice)
    data = _form(contact, date="", start_time="", end_time="")
    assert client.post(url("create"), data).status_code == 302
    interview = Interview.objects.get()
    assert interview.status == Interview.Status.PLANNED
    assert interview.starts_at is None


def test_it_creates_a_contact_inline(client, alice, workspace_a, url):
    client.force_login(alice)
    data = _form(
        None,
        new_contact_first_name="Ravi",
        new_contact_last_name="Patel",
        new_contact_email="ravi@example.test",
    )
    assert client.post(url("create"), data).status_code == 302
    contact = Contact.objects.get(first_name="Ravi")
    assert contact.workspace == workspace_a
    assert contact.emails == ["ravi@example.test"]
    assert Interview.objects.get().contact == contact


@pytest.mark.parametrize(
    ("zone", "day", "clock"),
    [("Europe/London", "2026-03-29", "01:30"), ("America/New_York", "2026-03-08", "02:30")],
)
def test_it_refuses_a_time_the_clocks_skip(client, alice, contact, url, zone, day, clock):
    client.force_login(alice)
    response = client.post(
        url("create"), _form(contact, time_zone=zone, date=day, start_time=clock, end_time="04:00")
    )
    assert response.status_code == 400
    assert "does not exist in" in response.text
    assert "the clocks go forward" in response.text
    assert not Interview.objects.exists()


@pytest.mark.parametrize(
    ("zone", "day", "earlier", "later"),
    [
        (
            "Europe/London",
            "2026-10-25",
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
        (
            "America/New_York",
            "2026-11-01",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
        ),
    ],
)
def test_it_asks_which_of_two_identical_times_is_meant(
    client, alice, contact, url, zone, day, earlier, later
):
    client.force_login(alice)
    data = _form(contact, time_zone=zone, date=day, start_time="01:30", end_time="")
    response = client.post(url("create"), data)
    assert response.status_code == 400
    assert "happens twice in" in response.text
    assert 'name="fold"' in response.text
    assert not Interview.objects.exists()

    assert client.post(url("create"), {**data, "fold": "earlier"}).status_code == 302
    assert client.post(url("create"), {**data, "fold": "later"}).status_code == 302
    starts = sorted(Interview.objects.values_list("starts_at", flat=True))
    assert starts == [earlier, later]


def test_it_computes_the_duration_across_the_change_of_clocks(client, alice, contact, url):
    client.force_login(alice)
    # 00:30 to 03:00 on the night the clocks go back in London is three and a half hours.
    data = _form(contact, date="2026-10-25", start_time="00:30", end_time="03:00")
    assert client.post(url("create"), data).status_code == 302
    assert Interview.objects.get().duration_minutes == 210


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_time", "09:00", "The end must be after the start."),
        ("end_time", "10:00", "The end must be after the start."),
        ("meeting_url", "javascript:alert(1)", "Enter a valid URL."),
        ("meeting_url", "not a link", "Enter a valid URL."),
        ("date", "", "Give the date as well as the time."),
    ],
)
def test_it_refuses_bad_input(client, alice, contact, url, field, value, message):
    client.force_login(alice)
    response = client.post(url("create"), _form(contact, **{field: value}))
    assert response.status_code == 400
    assert message in response.text
    assert not Interview.objects.exists()


def test_it_refuses_a_contact_of_another_workspace(client, alice, workspace_b, url):
    stranger = ContactFactory(workspace=workspace_b)
    client.force_login(alice)
    response = client.post(url("create"), _form(stranger))
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Interview.objects.exists()


def test_the_service_refuses_a_contact_of_another_workspace(alice, workspace_a, workspace_b):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.interview_create(
            workspace=workspace_a, owner=alice, contact=ContactFactory(workspace=workspace_b)
        )


def test_it_renders_script_payloads_inert(client, alice, contact, url):
    client.force_login(alice)
    payload = '<script>alert(1)</script><img src=x onerror="alert(1)">'
    client.post(url("create"), _form(contact, purpose=payload, location=payload, mode="in_person"))
    page = client.get(Interview.objects.get().get_absolute_url()).text
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_warns_about_overlapping_interviews(client, alice, contact, url):
    other = make_interview(workspace=contact.workspace, owner=alice, contact=contact)
    other.starts_at = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    other.save()
    client.force_login(alice)
    response = client.post(url("create"), _form(contact), follow=True)
    assert "This overlaps your conversation with Maya Lin at 10:30." in response.text

    Interview.objects.exclude(pk=other.pk).delete()
    response = client.post(
        url("create"), _form(contact, start_time="09:00", end_time="10:30"), follow=True
    )
    assert "This overlaps" not in response.text


def test_editing_the_time_bumps_the_calendar_sequence(client, alice, interview, url):
    client.force_login(alice)
    response = client.post(
        url("edit", pk=interview.pk), _form(interview.contact, start_time="15:00", end_time="16:00")
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.sequence == 1
    assert interview.starts_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def test_it_refuses_to_move_a_completed_interview(client, alice, interview, url):
    before = interview.starts_at
    services.interview_complete(interview=interview, completed_at=interview.ends_at)
    client.force_login(alice)
    response = client.post(url("edit", pk=interview.pk), _form(interview.contact))
    assert response.status_code == 400
    assert "its time can no longer be changed" in response.text
    interview.refresh_from_db()
    assert interview.starts_at == before


def test_a_completed_interview_keeps_its_other_details_editable(alice, interview):
    services.interview_complete(interview=interview, completed_at=interview.ends_at)
    services.interview_update(interview=interview, purpose="Changed", starts_at=interview.starts_at)
    interview.refresh_from_db()
    assert interview.purpose == "Changed"


def test_the_form_edits_in_the_zone_it_was_planned_in(client, alice, interview, url):
    interview.time_zone = "America/New_York"
    interview.starts_at = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    interview.save()
    client.force_login(alice)
    page = client.get(url("edit", pk=interview.pk)).text
    assert 'value="09:00"' in page
    assert 'value="2026-07-01"' in page
    assert interview.ends_at - interview.starts_at == timedelta(minutes=30)
