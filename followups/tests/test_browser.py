import pytest
from django.urls import reverse

from followups.tests.factories import ContactFactory, InterviewFactory
from infoview.testing.browser import log_in
from interviews.models import Interview, Objective

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_complete_draft_send_and_see_it_on_the_timeline(
    page, smtp_server, outbox_worker, alice, workspace_a
):
    contact = ContactFactory(
        workspace=workspace_a, owner=alice, first_name="Grace", emails=["grace@example.test"]
    )
    interview = InterviewFactory(contact=contact, owner=alice, status=Interview.Status.SCHEDULED)
    Objective.objects.create(
        workspace=workspace_a,
        interview=interview,
        text="Learn how newsrooms hire",
        insight="Portfolios beat CVs",
    )
    log_in(page, alice.email)

    page.goto(interview.get_absolute_url())
    page.get_by_role("button", name="Mark completed").click()
    page.wait_for_load_state()

    page.goto(reverse("followups:list", kwargs={"ws": "acme"}))
    # Due a day after the slot ended, an hour ago: "This week", or "Due today" when the test
    # runs in the first hour of the day (the live server's clock is not frozen).
    due = page.locator("#section-today, #section-week")
    due.get_by_role("link", name="Thank Grace").click()

    body = page.get_by_label("Message")
    assert "Dear Grace," in body.input_value()
    assert "- Portfolios beat CVs" in body.input_value()
    body.fill(body.input_value() + "\nP.S. I have started on the portfolio.")
    page.get_by_role("button", name="Send email").click()
    page.wait_for_url("**/follow-ups/*/")
    assert "Queued for grace@example.test." in page.content()
    assert "The email is on its way" in page.content()
    assert outbox_worker() == {"sent": 1}
    page.reload()
    assert page.locator('[data-outgoing-state="sent"]').count() == 1

    page.goto(contact.get_absolute_url())
    timeline = page.locator("#timeline")
    assert "Sent “Thank you for your time, Grace”" in timeline.inner_text()
    [message] = smtp_server.messages
    assert message["To"] == "grace@example.test"
    assert "I have started on the portfolio." in message.get_body(("plain",)).get_content()


def test_a_sent_emails_message_id_fits_a_phone_screen(page, alice, workspace_a):
    from django.utils import timezone

    from followups.models import FollowUp
    from followups.tests.factories import FollowUpFactory

    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Grace")
    FollowUpFactory(
        contact=contact,
        owner=alice,
        status=FollowUp.Status.DONE,
        done_at=timezone.now(),
        channel=FollowUp.Channel.EMAIL,
        subject="Thank you",
        message_id="<177012345678.4242.15813372901234567890@mail.infoview.example.test>",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, alice.email)
    page.goto(contact.get_absolute_url())
    assert "Message-ID" in page.locator("#timeline").inner_text()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_the_buttons_of_a_row_act_in_place(page, alice, workspace_a):
    from datetime import timedelta

    from django.utils import timezone

    from followups.models import FollowUp
    from followups.tests.factories import FollowUpFactory

    first = FollowUpFactory(
        contact=ContactFactory(workspace=workspace_a, first_name="Ada"),
        owner=alice,
        title="Call Ada",
        due_at=timezone.now() - timedelta(days=2),
    )
    second = FollowUpFactory(
        contact=ContactFactory(workspace=workspace_a, first_name="Lin"),
        owner=alice,
        title="Call Lin",
        due_at=timezone.now() - timedelta(days=1),
    )
    log_in(page, alice.email)
    page.goto(reverse("followups:list", kwargs={"ws": "acme"}))
    row = page.locator(f"#followup-{first.pk}")
    row.get_by_role("button", name="Snooze a week").click()
    page.locator(f"#followup-{first.pk}").get_by_text("snoozed").wait_for()
    first.refresh_from_db()
    assert first.status == FollowUp.Status.SNOOZED
    assert first.snoozed_until > timezone.now() + timedelta(days=6)

    page.locator(f"#followup-{second.pk}").get_by_role("button", name="Skip").click()
    page.locator(f"#followup-{second.pk}").get_by_role("button", name="Undo").wait_for()
    second.refresh_from_db()
    assert second.status == FollowUp.Status.SKIPPED
    assert page.url.endswith("/follow-ups/")  # acted in place, no page load
