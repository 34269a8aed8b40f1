from datetime import timedelta

import pytest
from django.utils import timezone

from interviews.models import Interview
from reports.selectors import REPORTS
from reports.tests.factories import (
    AssessmentFactory,
    ContactFactory,
    FollowUpFactory,
    InterviewFactory,
    StageChangeFactory,
)
from reports.tests.helpers import report_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-31", "end": "2026-03-01"}, "The start date is after the end date."),
        ({"start": "1900-01-01"}, "Choose dates between 2000 and 2100."),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "Choose a period of at most five years."),
        ({"start": "2026-13-45"}, "Enter a valid date."),
        ({"recruiter": "99999"}, "That recruiter is not a member of this workspace."),
        ({"recruiter": "abc"}, "That recruiter is not a member of this workspace."),
        ({"group": "decade"}, "Select a valid choice."),
    ],
)
def test_it_refuses_bad_filters_with_a_clear_message(client, alice, team, params, message):
    client.force_login(alice)
    response = client.get(report_url(team, "conversations"), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    for name in ("csv", "chart"):
        assert client.get(report_url(team, "conversations", name), params).status_code == 400


def test_it_refuses_a_recruiter_of_another_workspace(client, alice, charlie, team):
    client.force_login(alice)
    response = client.get(report_url(team, "stages"), {"recruiter": charlie.pk})
    assert response.status_code == 400
    assert "not a member of this workspace" in response.content.decode()


def test_a_recruiter_cannot_ask_for_someone_elses_figures(client, alice, bob, team):
    client.force_login(bob)
    response = client.get(report_url(team, "conversations"), {"recruiter": alice.pk})
    assert response.status_code == 400


def test_the_index_lists_what_the_member_may_see(client, alice, bob, team, personal):
    client.force_login(bob)
    page = client.get(report_url(team, "x").replace("x/", "")).content.decode()
    assert "Conversations" in page and "Sources and referrals" not in page
    client.force_login(alice)
    page = client.get(report_url(team, "x").replace("x/", "")).content.decode()
    assert "Sources and referrals" in page
    page = client.get(report_url(personal, "x").replace("x/", "")).content.decode()
    assert "Your network" in page and "Conversations</span>" not in page


def test_the_chart_is_an_svg_image_without_scripts(client, alice, team):
    ContactFactory(workspace=team, owner=alice, stage="new")
    client.force_login(alice)
    response = client.get(report_url(team, "stages", "chart"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert "<svg" in body and "<script" not in body
    assert "Contacts by stage" in body
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def _fill(ws, owner, n):
    now = timezone.now()
    for i in range(n):
        contact = ContactFactory(workspace=ws, owner=owner, stage="engaged", source="referral")
        interview = InterviewFactory(
            contact=contact, owner=owner, starts_at=now - timedelta(days=i), completed_at=now
        )
        AssessmentFactory(interview=interview)
        FollowUpFactory(
            contact=contact,
            interview=interview,
            owner=owner,
            kind="thank_you",
            due_at=now,
            status="done",
            done_at=now + timedelta(hours=i),
        )
        StageChangeFactory(contact=contact, to_stage="engaged", changed_at=now)
        ContactFactory(workspace=ws, owner=owner, introduced_by=contact)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("slug", [s for s, spec in REPORTS.items() if spec.team])
@pytest.mark.parametrize("name", ["detail", "csv", "chart"])
def test_each_report_runs_the_same_queries_at_two_sizes(client, alice, bob, team, slug, name):
    client.force_login(alice)
    url = report_url(team, slug, name)
    _fill(team, bob, 2)
    small = _queries(client, url)
    _fill(team, alice, 25)
    assert _queries(client, url) == small
    assert small <= 10


@pytest.mark.parametrize("name", ["detail", "csv", "chart"])
def test_the_network_report_runs_the_same_queries_at_two_sizes(client, alice, personal, name):
    client.force_login(alice)
    url = report_url(personal, "network", name)
    _fill(personal, alice, 2)
    small = _queries(client, url)
    _fill(personal, alice, 25)
    assert _queries(client, url) == small
    assert small <= 10


def test_it_ignores_other_workspaces_rows(client, alice, charlie, team, workspace_b):
    _fill(workspace_b, charlie, 3)
    client.force_login(alice)
    for slug in ("conversations", "stages", "discipline", "sources", "scores"):
        response = client.get(report_url(team, slug, "csv"))
        rows = response.content.decode().splitlines()[1:]
        assert all(set(row.split(",")[1:]) <= {"0", "\u2014", "0.0%", ""} for row in rows), (
            slug,
            rows,
        )
    assert Interview.objects.filter(workspace=workspace_b).count() == 3


def test_the_default_period_is_the_last_90_days_in_the_workspaces_zone(client, alice, team):
    from zoneinfo import ZoneInfo

    today = timezone.localtime(timezone.now(), ZoneInfo("Pacific/Kiritimati")).date()
    client.force_login(alice)
    page = client.get(report_url(team, "stages")).content.decode()
    assert f'value="{today - timedelta(days=89)}"' in page
    assert f'value="{today}"' in page
