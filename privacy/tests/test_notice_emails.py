"""The privacy notice in the first email a team sends to a person (sent through follow-ups)."""

import pytest
from django.urls import reverse

from followups.models import FollowUp
from followups.tests.factories import ContactFactory, FollowUpFactory
from privacy.services.basis import contact_privacy_for
from privacy.services.retention import retention_policy_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def thank_you(alice, workspace_a):
    contact = ContactFactory(
        workspace=workspace_a, owner=alice, first_name="Grace", emails=["grace@example.test"]
    )
    return FollowUpFactory(contact=contact, owner=alice, kind=FollowUp.Kind.THANK_YOU)


@pytest.fixture
def privacy_notice(workspace_a):
    retention_policy_update(
        workspace=workspace_a,
        enabled=False,
        months=24,
        privacy_notice_url="https://acme.example.test/privacy",
    )


def test_the_first_email_to_a_person_carries_the_privacy_notice_and_only_the_first(
    client, smtp_server, thank_you, alice, privacy_notice
):
    client.force_login(alice)
    second = FollowUpFactory(contact=thank_you.contact, owner=alice)
    for followup in (thank_you, second):
        url = reverse("followups:send", kwargs={"ws": "acme", "pk": followup.pk})
        response = client.post(
            url, {"to": "grace@example.test", "subject": "Hello", "body": "Dear Grace"}
        )
        assert response.status_code == 302

    first, later = (m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert "https://acme.example.test/privacy" in first
    assert "https://acme.example.test/privacy" not in later
    thank_you.refresh_from_db()
    assert "https://acme.example.test/privacy" in thank_you.message


def test_a_refused_email_leaves_the_privacy_notice_for_the_next_one(
    client, smtp_server, thank_you, alice, privacy_notice
):
    smtp_server.refuse_with = "451 Try again later"
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": thank_you.pk})
    client.post(url, {"to": "grace@example.test", "subject": "S", "body": "B"})

    assert contact_privacy_for(thank_you.contact).privacy_notice_sent_at is None
