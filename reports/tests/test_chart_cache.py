"""The chart images are kept in the shared cache like the reports: a write shows in the next
chart at once, whatever door it came through, and each response carries its own nonce."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from interviews.models import Interview
from reports.tests.factories import ContactFactory, InterviewFactory
from reports.tests.helpers import chart_values, report_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _chart(client, ws, slug, **params):
    return chart_values(client.get(report_url(ws, slug, "chart"), params))


def test_a_stage_change_shows_in_the_next_chart(client, alice, team):
    contact = ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.NEW)
    client.force_login(alice)
    assert _chart(client, team, "stages")["Hired"] == ["0", "0"]
    assert _chart(client, team, "stages")["Hired"] == ["0", "0"]  # now from the cache
    client.post(
        reverse("contacts:bulk_stage", kwargs={"ws": team.slug}),
        {"ids": [contact.pk], "stage": Contact.Stage.HIRED},
    )
    assert _chart(client, team, "stages")["Hired"] == ["1", "1"]


def test_a_new_interview_with_a_new_contact_shows_in_the_next_chart(client, alice, team):
    ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.NEW)
    client.force_login(alice)
    assert _chart(client, team, "stages")["New"][0] == "1"
    assert _chart(client, team, "stages")["New"][0] == "1"
    response = client.post(
        reverse("interviews:create", kwargs={"ws": team.slug}),
        {
            "contact": "",
            "new_contact_first_name": "Ravi",
            "new_contact_last_name": "Patel",
            "date": "2026-03-10",
            "start_time": "10:00",
            "end_time": "10:45",
            "time_zone": "Europe/London",
            "mode": "video",
            "meeting_url": "https://meet.example.test/abc",
            "location": "",
            "purpose": "Learn about product design",
        },
    )
    assert response.status_code == 302
    assert _chart(client, team, "stages")["New"][0] == "2"


def test_a_completed_conversation_shows_in_the_next_chart(client, alice, team):
    contact = ContactFactory(workspace=team, owner=alice)
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status=Interview.Status.SCHEDULED,
        starts_at=timezone.now() - timedelta(hours=2),
    )
    client.force_login(alice)
    before = _chart(client, team, "conversations")
    assert before == _chart(client, team, "conversations")
    assert all(value in {"0", ""} for values in before.values() for value in values)
    client.post(reverse("interviews:complete", kwargs={"ws": team.slug, "pk": interview.pk}))
    after = _chart(client, team, "conversations")
    assert sorted(value for values in after.values() for value in values if value)[-1] == "1"


def test_each_theme_and_language_has_its_own_chart(client, alice, team):
    ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.NEW)
    client.force_login(alice)
    url = report_url(team, "stages", "chart")
    light = client.get(url).content.decode()
    dark = client.get(url, {"theme": "dark"}).content.decode()
    assert "#212529" in dark and "#212529" not in light
    assert "#212529" not in client.get(url).content.decode()
    assert "Contacts by stage" in light
    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "Contacts by stage" not in french and "Nouveau" in french


def test_a_cached_chart_carries_the_nonce_of_its_own_response(client, alice, team):
    ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.NEW)
    client.force_login(alice)
    nonces = set()
    for _ in range(2):
        response = client.get(report_url(team, "stages", "chart"))
        [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        styles = re.findall(r"<style\b[^>]*>", response.content.decode())
        assert styles == [f'<style nonce="{nonce}" type="text/css">']
        nonces.add(nonce)
    assert len(nonces) == 2
