"""The reports are kept in the shared cache: a write through any door shows at once, and the
cached figures of one workspace are never another's (accounts.versions, reports.selectors)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.merging import contacts_merge
from contacts.models import Contact
from contacts.services import contact_delete
from followups.models import FollowUp
from interviews.models import Interview
from privacy.services.erasure import contact_erase
from reports.tests.factories import ContactFactory, InterviewFactory, StageChangeFactory
from reports.tests.helpers import csv_rows, page_tables, report_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _total(client, ws, slug, table=None):
    """The "All" figure of the report's main table, read from the page a user sees."""
    rows = page_tables(client.get(report_url(ws, slug)))[table or slug]
    return rows[-1]


def _scheduled(ws, owner, contact=None):
    contact = contact or ContactFactory(workspace=ws, owner=owner)
    return InterviewFactory(
        contact=contact,
        owner=owner,
        status=Interview.Status.SCHEDULED,
        starts_at=timezone.now() - timedelta(hours=2),
    )


def test_a_completed_conversation_shows_at_once(client, alice, team):
    interview = _scheduled(team, alice)
    client.force_login(alice)
    assert _total(client, team, "conversations")[-1] == "0"
    assert _total(client, team, "conversations")[-1] == "0"  # now from the cache
    client.post(reverse("interviews:complete", kwargs={"ws": team.slug, "pk": interview.pk}))
    assert _total(client, team, "conversations")[-1] == "1"
    # The chart and the CSV read the same figures.
    csv = csv_rows(client.get(report_url(team, "conversations", "csv")))
    assert csv[-1][-1] == "1"


def test_a_thank_you_done_and_an_assessment_show_at_once(client, alice, team):
    interview = _scheduled(team, alice)
    client.force_login(alice)
    client.post(reverse("interviews:complete", kwargs={"ws": team.slug, "pk": interview.pk}))
    assert _total(client, team, "discipline")[1:3] == ["1", "0"]
    thank_you = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.THANK_YOU)
    client.post(reverse("followups:done", kwargs={"ws": team.slug, "pk": thank_you.pk}))
    assert _total(client, team, "discipline")[1:3] == ["1", "1"]

    assert page_tables(client.get(report_url(team, "scores")))["scores"][4][1] == "0"
    client.post(
        reverse("interviews:assessment", kwargs={"ws": team.slug, "pk": interview.pk}),
        {"passion": 4, "motivation": 2, "cultural_fit": 3, "skills": "python"},
    )
    scores = page_tables(client.get(report_url(team, "scores")))["scores"]
    assert scores[4][1] == "1"  # the row of score 4, passion


def test_stage_changes_show_at_once(client, alice, team):
    contact = ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.NEW)
    client.force_login(alice)
    stages = page_tables(client.get(report_url(team, "stages")))["stages"]
    hired = next(row for row in stages if row[0] == "Hired")
    assert hired[1:3] == ["0", "0"]
    client.post(
        reverse("contacts:bulk_stage", kwargs={"ws": team.slug}),
        {"ids": [contact.pk], "stage": Contact.Stage.HIRED},
    )
    stages = page_tables(client.get(report_url(team, "stages")))["stages"]
    hired = next(row for row in stages if row[0] == "Hired")
    assert hired[1:3] == ["1", "1"]


def test_new_merged_erased_and_deleted_contacts_show_at_once(client, alice, team):
    client.force_login(alice)
    assert _total(client, team, "sources")[1] == "0"
    for name in ("Ada", "Grace", "Alan", "Edsger"):
        client.post(
            reverse("contacts:create", kwargs={"ws": team.slug}),
            {
                "first_name": name,
                "last_name": "Example",
                "emails": f"{name.lower()}@example.test",
                "cadence_days": "90",
                "stage": "new",
                "owner": alice.pk,
            },
        )
    assert _total(client, team, "sources")[1] == "4"
    ada, grace, alan, edsger = (
        Contact.objects.get(workspace=team, first_name=name)
        for name in ("Ada", "Grace", "Alan", "Edsger")
    )
    contacts_merge(keep=ada, other=grace, by=alice)
    assert _total(client, team, "sources")[1] == "3"
    contact_erase(contact=alan, actor=alice)
    assert _total(client, team, "sources")[1] == "2"
    contact_delete(contact=edsger, by=alice)
    assert _total(client, team, "sources")[1] == "1"


def test_another_workspace_never_sees_the_cached_figures(client, alice, charlie, team, workspace_b):
    interview = _scheduled(team, alice)
    client.force_login(alice)
    client.post(reverse("interviews:complete", kwargs={"ws": team.slug, "pk": interview.pk}))
    assert _total(client, team, "conversations")[-1] == "1"
    # Same report, same filters and the same period: another workspace's own figures.
    workspace_b.time_zone = team.time_zone
    workspace_b.save(update_fields=["time_zone"])
    client.force_login(charlie)
    assert _total(client, workspace_b, "conversations")[-1] == "0"
    assert client.get(report_url(team, "conversations")).status_code == 404


def test_a_recruiter_sees_their_own_cached_figures(client, alice, bob, team):
    for owner in (alice, alice, bob):
        interview = _scheduled(team, owner)
        interview.status = Interview.Status.COMPLETED
        interview.save()
    client.force_login(alice)
    assert _total(client, team, "conversations")[-1] == "3"
    client.force_login(bob)
    assert _total(client, team, "conversations")[-1] == "1"


def test_the_cached_report_speaks_the_readers_language(client, alice, team):
    client.force_login(alice)
    english = page_tables(client.get(report_url(team, "conversations")))["conversations"]
    assert english[0][0] == "Week starting"
    client.cookies["django_language"] = "fr"
    french = page_tables(client.get(report_url(team, "conversations")))["conversations"]
    assert french[0][0] == "Semaine du"


def test_a_change_made_in_the_admin_shows_at_once(client, alice, team):
    contact = ContactFactory(workspace=team, owner=alice, stage=Contact.Stage.ENGAGED)
    change = StageChangeFactory(
        contact=contact, from_stage="new", to_stage="engaged", changed_at=timezone.now()
    )
    alice.is_staff = alice.is_superuser = True
    alice.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(alice)
    stages = page_tables(client.get(report_url(team, "stages")))["stages"]
    assert stages[2][:3] == ["Engaged", "1", "1"]
    url = reverse("admin:contacts_stagechange_delete", args=[change.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    stages = page_tables(client.get(report_url(team, "stages")))["stages"]
    assert stages[2][:3] == ["Engaged", "1", "0"]


def test_a_member_renamed_in_their_settings_shows_at_once(client, alice, team):
    interview = _scheduled(team, alice)
    client.force_login(alice)
    client.post(reverse("interviews:complete", kwargs={"ws": team.slug, "pk": interview.pk}))
    rows = page_tables(client.get(report_url(team, "conversations")))["conversations"]
    assert alice.name in rows[0]  # a column per member
    client.post(
        reverse("accounts:settings"),
        {
            "name": "Alice Renamed",
            "time_zone": alice.time_zone,
            "reminder_preference": alice.reminder_preference,
            "language": alice.language,
            "color_mode": alice.color_mode,
        },
    )
    rows = page_tables(client.get(report_url(team, "conversations")))["conversations"]
    assert "Alice Renamed" in rows[0]
