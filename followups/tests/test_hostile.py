"""Hostile input on follow-ups: dates at the end of time, open redirects, a mail relay."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMessage
from followups.forms import SendForm
from followups.models import FollowUp
from followups.tests.factories import ContactFactory, FollowUpFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")

TOKEN = {"idempotency_token": "hostile-send-0123456789"}


@pytest.fixture
def contact(workspace_a, alice):
    return ContactFactory(workspace=workspace_a, emails=["ada@example.test"], owner=alice)


@pytest.fixture
def followup(contact, alice):
    return FollowUpFactory(contact=contact, owner=alice, due_at=timezone.now() + timedelta(days=1))


def test_it_refuses_a_due_date_at_the_end_of_the_calendar(client, alice, contact):
    alice.time_zone = "America/New_York"
    alice.save(update_fields=["time_zone"])
    client.force_login(alice)
    response = client.post(
        reverse("followups:create", kwargs={"ws": "acme"}),
        {"contact": contact.pk, "kind": "update", "title": "x", "due_at": "9999-12-31T23:59"},
    )
    assert response.status_code == 400
    assert "between the years" in response.content.decode()
    assert not FollowUp.objects.filter(contact=contact).exists()
    assert client.get(contact.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("action", ["done", "skip", "snooze", "reopen"])
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "https:evil.example",
        "\\\\evil.example",
        "not a page",
    ],
)
def test_it_never_redirects_off_site(client, alice, followup, action, target):
    if action == "reopen":
        followup.status = FollowUp.Status.SKIPPED
        followup.save(update_fields=["status"])
    client.force_login(alice)
    url = reverse(f"followups:{action}", kwargs={"ws": "acme", "pk": followup.pk})
    response = client.post(url, {"next": target, "days": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("followups:list", kwargs={"ws": "acme"})


def test_it_still_goes_back_to_a_page_of_the_site(client, alice, followup, contact):
    client.force_login(alice)
    url = reverse("followups:skip", kwargs={"ws": "acme", "pk": followup.pk})
    response = client.post(url, {"next": contact.get_absolute_url()})
    assert response["Location"] == contact.get_absolute_url()


def test_the_send_form_mails_only_the_contacts_own_addresses(client, alice, followup):
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": followup.pk})
    data = {"to": "victim@elsewhere.test", "subject": "Hi", "body": "Spam", **TOKEN}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "victim@elsewhere.test" in response.content.decode()  # the form, not a bad token
    assert not OutgoingMessage.objects.exists()


def test_the_send_form_mails_no_one_when_the_contact_has_no_address(client, alice, followup):
    followup.contact.emails = []
    followup.contact.save(update_fields=["emails"])
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": followup.pk})
    data = {"to": "victim@elsewhere.test", "subject": "Hi", "body": "Spam", **TOKEN}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "no email address" in response.content.decode()
    assert not OutgoingMessage.objects.exists()


def test_a_subject_with_line_breaks_is_sent_on_one_line(
    client, alice, followup, contact, smtp_server, outbox_worker
):
    data = {"to": "ada@example.test", "subject": "Hello\r\nBcc: x@evil.example\rX", "body": "Hi"}
    form = SendForm(data, contact=contact)
    assert form.is_valid()
    assert form.cleaned_data["subject"] == "Hello Bcc: x@evil.example X"
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": followup.pk})
    assert client.post(url, {**data, **TOKEN}).status_code in {302, 303}
    assert outbox_worker() == {"sent": 1}
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["ada@example.test"]
    [message] = smtp_server.messages
    assert message["Subject"] == "Hello Bcc: x@evil.example X"
    assert message["Bcc"] is None
