import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.services import contacts_refresh_search
from infoview.testing.browser import log_in
from interviews.models import Interview, InterviewText

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_schedules_an_interview_across_the_clock_change(page, alice, contact):
    log_in(page, "alice@example.test")
    page.goto("/w/acme/interviews/")
    page.get_by_role("link", name="Plan an interview").first.click()
    contacts_refresh_search(contact_ids=[contact.pk])  # the picker finds people by search
    page.get_by_label("Contact", exact=True).press_sequentially("maya", delay=40)
    page.get_by_role("button", name="Maya Lin").click()
    expect(page.locator("[data-picker-chosen]")).to_have_text("Maya Lin")
    page.get_by_label("Date").fill("2026-10-25")
    page.get_by_label("Starts").fill("01:30")
    page.get_by_label("Ends").fill("02:15")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Meeting link").fill("https://meet.example.test/maya")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("happens twice in Europe/London")).to_be_visible()
    page.get_by_label("The second, 01:30 GMT (UTC+0000)").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Interview with Maya Lin")).to_be_visible()
    expect(page.locator("#when")).to_contain_text("Sunday 25 October 2026, 01:30")
    interview = Interview.objects.get()
    assert interview.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert interview.duration_minutes == 45


def test_ticking_the_checklist_shows_readiness_and_stays_ticked(page, alice, interview):
    log_in(page, "alice@example.test")
    page.goto(interview.get_absolute_url())
    prep = page.locator("#prep")
    expect(prep).to_contain_text("Ready 0/11")
    page.get_by_label("Research the organisation").check()
    expect(prep).to_contain_text("Ready 1/11")
    page.get_by_label("Research the person").check()
    expect(prep).to_contain_text("Ready 2/11")
    # The badge in the page's header follows the checklist too.
    expect(page.locator("#readiness-badge")).to_have_text("Ready 2/11")
    page.reload()
    expect(page.get_by_label("Research the organisation")).to_be_checked()
    expect(page.get_by_label("Research the industry")).not_to_be_checked()
    expect(page.locator("#prep")).to_contain_text("Ready 2/11")


def test_notes_typed_in_the_conversation_view_are_kept(page, alice, interview):
    from interviews import services

    services.objective_add(interview=interview, text="Learn the career path")
    services.question_add_one_off(interview=interview, text="How did you start?")
    log_in(page, "alice@example.test")
    page.goto(f"{interview.get_absolute_url()}conversation/")

    page.get_by_label("1. Learn the career path").fill("Through a graduate scheme")
    page.get_by_label("1. How did you start?").press_sequentially("By accident", delay=20)
    expect(page.locator("[id^='answer-'][id$='-saved']")).to_contain_text("Saved at")
    page.get_by_role("textbox", name="Scratch pad").press_sequentially(
        "Mentions a meetup in Leeds", delay=20
    )
    expect(page.locator("#scratch-saved")).to_contain_text("Saved at")
    page.get_by_role("button", name="Mark met").click()
    expect(page.get_by_role("button", name="Met")).to_be_visible()

    page.reload()
    expect(page.get_by_label("1. Learn the career path")).to_have_value("Through a graduate scheme")
    expect(page.get_by_label("1. How did you start?")).to_have_value("By accident")
    expect(page.get_by_role("textbox", name="Scratch pad")).to_have_value(
        "Mentions a meetup in Leeds"
    )
    expect(page.get_by_role("button", name="Met")).to_be_visible()

    # The conversation ends here too: no trip back to the interview page to mark it completed.
    Interview.objects.filter(pk=interview.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    page.get_by_role("button", name="Mark completed").click()
    expect(page.get_by_text("Marked as completed.")).to_be_visible()
    interview.refresh_from_db()
    assert interview.status == "completed"


def test_what_was_typed_just_before_leaving_is_not_lost(page, alice, interview):
    log_in(page, "alice@example.test")
    page.goto(f"{interview.get_absolute_url()}conversation/")
    box = page.get_by_role("textbox", name="Scratch pad")
    box.fill("Last words before the tab closed")
    # Leave at once, before the typing pause that triggers the ordinary save.
    page.goto(interview.get_absolute_url())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = InterviewText.objects.get(interview=interview).scratch
        if text:
            break
        time.sleep(0.1)
    assert text == "Last words before the tab closed"
