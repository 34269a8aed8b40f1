from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMessage
from accounts.outbox import delivery
from followups import emails
from followups.models import EmailTemplate, FollowUp, Signature
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory
from interviews.models import Note, Objective
from privacy.services.basis import contact_privacy_for
from privacy.services.retention import retention_policy_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def thank_you(alice, workspace_a):
    contact = ContactFactory(
        workspace=workspace_a, owner=alice, first_name="Grace", emails=["grace@example.test"]
    )
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status="completed",
        completed_at=timezone.make_aware(timezone.datetime(2026, 3, 3, 15, 0)),
    )
    Objective.objects.create(
        workspace=workspace_a,
        interview=interview,
        text="Understand a day in data journalism",
        insight="Most stories start from public datasets",
    )
    Note.objects.create(
        workspace=workspace_a, interview=interview, kind="insight", body="Learn SQL before R"
    )
    return FollowUp.objects.create(
        workspace=workspace_a,
        contact=contact,
        interview=interview,
        owner=alice,
        kind=FollowUp.Kind.THANK_YOU,
        due_at=timezone.now() + timedelta(hours=20),
    )


def test_workspaces_start_with_the_three_default_templates(workspace_a):
    kinds = set(EmailTemplate.objects.filter(workspace=workspace_a).values_list("kind", flat=True))
    assert kinds == {"thank_you", "keep_in_touch", "referral"}


def test_the_thank_you_draft_fills_the_documented_variables(thank_you, alice):
    Signature.objects.create(user=alice, text="Alice Admin\nAcme Talent")
    variables = emails.variables_for(followup=thank_you, sender=alice)
    template = EmailTemplate.objects.get(workspace=thank_you.workspace, kind="thank_you")

    draft = emails.render_draft(subject=template.subject, body=template.body, variables=variables)

    assert draft.error == ""
    assert draft.subject == "Thank you for your time, Grace"
    assert draft.body.startswith("Dear Grace,")
    assert "on 3 March 2026" in draft.body
    assert "- Most stories start from public datasets" in draft.body
    assert "- Learn SQL before R" in draft.body
    assert draft.body.rstrip().endswith("Alice Admin\nAcme Talent")
    assert variables["objectives"] == "- Understand a day in data journalism"
    assert variables["sender_name"] == "Alice Admin"


def test_a_template_cannot_reach_beyond_its_variables():
    draft = emails.render_draft(
        subject="x", body="{% include 'base.html' %}", variables={"first_name": "A"}
    )
    assert draft.error
    assert draft.body == "{% include 'base.html' %}"


def test_a_broken_template_shows_its_editor_an_error(client, alice, workspace_a):
    client.force_login(alice)
    url = reverse("followups:template_create", kwargs={"ws": "acme"})
    response = client.post(
        url,
        {"kind": "thank_you", "name": "Broken", "subject": "Hi", "body": "Dear {% if %}"},
    )
    assert response.status_code == 400
    assert "This template has an error" in response.content.decode()
    assert not EmailTemplate.objects.filter(name="Broken").exists()


def test_a_broken_stored_template_never_gives_the_sender_a_500(client, thank_you, alice):
    EmailTemplate.objects.filter(workspace=thank_you.workspace, kind="thank_you").update(
        body="Dear {% for %}"
    )
    client.force_login(alice)

    response = client.get(thank_you.get_absolute_url())

    assert response.status_code == 200
    assert "has an error" in response.content.decode()
    assert response.context["send_form"].initial["body"] == "Dear {% for %}"


def _send(client, followup, token="first-token-0123456789", **data):  # noqa: S107
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": followup.pk})
    fields = {"to": "grace@example.test", "subject": "S", "body": "B", **data}
    return client.post(url, {**fields, "idempotency_token": token})


def test_it_sends_a_multipart_thank_you_and_records_its_message_id(
    client, smtp_server, outbox_worker, thank_you, alice
):
    client.force_login(alice)
    response = _send(client, thank_you, subject="Thank you, Grace", body="Dear Grace,\n<b>hi")

    assert response.status_code == 302
    assert smtp_server.messages == []  # the request only queued it
    thank_you.refresh_from_db()
    assert thank_you.status == "open"
    page = client.get(thank_you.get_absolute_url())
    assert b'data-outgoing-state="pending"' in page.content
    assert b"send-form" not in page.content  # no second send while it is on its way

    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    assert message["To"] == "grace@example.test"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dear Grace," in plain
    assert "&lt;b&gt;hi" in html
    thank_you.refresh_from_db()
    assert thank_you.status == "done"
    assert thank_you.channel == "email"
    assert thank_you.message_id == message["Message-ID"]
    page = client.get(thank_you.get_absolute_url())
    assert b'data-outgoing-state="sent"' in page.content


def test_a_temporary_refusal_leaves_it_queued_with_the_reason(
    client, smtp_server, outbox_worker, thank_you, alice
):
    smtp_server.refuse_with = "451 Try again later"
    client.force_login(alice)
    assert _send(client, thank_you).status_code == 302
    assert outbox_worker() == {"retry": 1}
    thank_you.refresh_from_db()
    assert thank_you.status == "open"
    page = client.get(thank_you.get_absolute_url())
    assert b'data-outgoing-state="pending"' in page.content
    assert b"Will retry: end of DATA: 451 Try again later" in page.content


def test_a_permanent_refusal_shows_failed_and_lets_the_user_send_again(
    client, smtp_server, outbox_worker, thank_you, alice
):
    smtp_server.refuse_with = "550 5.1.1 No such mailbox"
    client.force_login(alice)
    _send(client, thank_you)
    assert outbox_worker() == {"failed": 1}
    thank_you.refresh_from_db()
    assert thank_you.status == "open"
    page = client.get(thank_you.get_absolute_url())
    assert b'data-outgoing-state="failed"' in page.content
    assert b"550 5.1.1 No such mailbox" in page.content
    assert b"send-form" in page.content


def test_an_answer_lost_after_data_shows_unknown_and_is_not_resent(
    client, smtp_server, outbox_worker, thank_you, alice
):
    smtp_server.drop_after_data = True
    client.force_login(alice)
    _send(client, thank_you)
    assert outbox_worker() == {"unknown": 1}
    smtp_server.drop_after_data = False
    delivery.messages_sweep(now=timezone.now() + timedelta(days=1))
    assert outbox_worker() == {}
    assert len(smtp_server.messages) == 1
    page = client.get(thank_you.get_absolute_url())
    assert b'data-outgoing-state="unknown"' in page.content
    assert b"it may have arrived" in page.content


def test_a_second_submit_of_the_same_form_sends_once(
    client, smtp_server, outbox_worker, thank_you, alice
):
    client.force_login(alice)
    assert _send(client, thank_you).status_code == 302
    again = _send(client, thank_you, token="first-token-0123456789")
    assert again.status_code == 302
    other_tab = _send(client, thank_you, token="other-tab-token-987654321")
    assert other_tab.status_code == 302
    assert OutgoingMessage.objects.count() == 1
    outbox_worker()
    after_sent = _send(client, thank_you, token="late-token-1234567890")
    assert after_sent.status_code == 302
    outbox_worker()
    assert len(smtp_server.messages) == 1
    page = client.get(after_sent.url)
    assert b'data-outgoing-state="sent"' in page.content


def test_a_send_without_its_one_time_token_is_a_400(client, smtp_server, thank_you, alice):
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": thank_you.pk})
    response = client.post(url, {"to": "grace@example.test", "subject": "S", "body": "B"})
    assert response.status_code == 400
    assert OutgoingMessage.objects.count() == 0


def test_sending_to_an_address_not_of_the_contact_is_a_400(client, smtp_server, thank_you, alice):
    client.force_login(alice)
    response = _send(client, thank_you, to="someone@else.test")
    assert response.status_code == 400
    assert OutgoingMessage.objects.count() == 0


def test_marking_done_after_sending_elsewhere(client, alice, workspace_a):
    followup = FollowUpFactory(contact=ContactFactory(workspace=workspace_a), owner=alice)
    client.force_login(alice)
    url = reverse("followups:done", kwargs={"ws": "acme", "pk": followup.pk})
    response = client.post(url, {"channel": "linkedin", "message": "Sent a note on LinkedIn"})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.status, followup.channel) == ("done", "linkedin")


def test_an_unknown_channel_is_a_400(client, alice, workspace_a):
    followup = FollowUpFactory(contact=ContactFactory(workspace=workspace_a), owner=alice)
    client.force_login(alice)
    url = reverse("followups:done", kwargs={"ws": "acme", "pk": followup.pk})
    assert client.post(url, {"channel": "pigeon"}).status_code == 400
    followup.refresh_from_db()
    assert followup.status == "open"


def test_a_notes_markdown_reaches_the_thank_you_as_plain_text(thank_you, alice):
    Note.objects.create(
        workspace=thank_you.workspace,
        interview=thank_you.interview,
        kind="advice",
        body="**Read widely** and see [the list](https://example.test/books)",
    )
    variables = emails.variables_for(followup=thank_you, sender=alice)
    assert "- Read widely and see the list (https://example.test/books)" in variables["insights"]
    assert "**" not in variables["insights"]


@pytest.fixture
def privacy_notice(workspace_a):
    retention_policy_update(
        workspace=workspace_a,
        enabled=False,
        months=24,
        privacy_notice_url="https://acme.example.test/privacy",
    )


def test_the_first_email_to_a_person_carries_the_privacy_notice_and_only_the_first(
    client, smtp_server, outbox_worker, thank_you, alice, privacy_notice
):
    client.force_login(alice)
    second = FollowUpFactory(contact=thank_you.contact, owner=alice)
    for number, followup in enumerate((thank_you, second)):
        response = _send(client, followup, token=f"token-{number}-0123456789abc", body="Dear Grace")
        assert response.status_code == 302
        outbox_worker()

    first, later = (m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert "https://acme.example.test/privacy" in first
    assert "https://acme.example.test/privacy" not in later
    thank_you.refresh_from_db()
    assert "https://acme.example.test/privacy" in thank_you.message


def test_a_refused_email_leaves_the_privacy_notice_for_the_next_one(
    client, smtp_server, outbox_worker, thank_you, alice, privacy_notice
):

    smtp_server.refuse_with = "550 No thanks"
    client.force_login(alice)
    _send(client, thank_you)
    assert outbox_worker() == {"failed": 1}

    assert contact_privacy_for(thank_you.contact).privacy_notice_sent_at is None
