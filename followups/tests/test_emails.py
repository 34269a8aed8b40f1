from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups import emails
from followups.models import EmailTemplate, FollowUp, Signature
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory
from interviews.models import Note, Objective

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


def test_it_sends_a_multipart_thank_you_and_records_its_message_id(
    client, smtp_server, thank_you, alice
):
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": thank_you.pk})

    response = client.post(
        url,
        {"to": "grace@example.test", "subject": "Thank you, Grace", "body": "Dear Grace,\n<b>hi"},
    )

    assert response.status_code == 302
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


def test_a_refusing_smtp_server_records_nothing_and_says_so(client, smtp_server, thank_you, alice):
    smtp_server.refuse_with = "451 Try again later"
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": thank_you.pk})

    response = client.post(url, {"to": "grace@example.test", "subject": "S", "body": "B"})

    assert response.status_code == 503
    thank_you.refresh_from_db()
    assert thank_you.status == "open"


def test_sending_to_an_address_not_of_the_contact_is_a_400(client, smtp_server, thank_you, alice):
    client.force_login(alice)
    url = reverse("followups:send", kwargs={"ws": "acme", "pk": thank_you.pk})
    response = client.post(url, {"to": "someone@else.test", "subject": "S", "body": "B"})
    assert response.status_code == 400
    assert smtp_server.messages == []


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
