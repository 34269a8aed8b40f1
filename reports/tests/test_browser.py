from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from infoview.testing.browser import log_in
from interviews.models import Interview
from reports.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _coming_sunday_night() -> datetime:
    """23:50 UTC on the next Sunday: the last minutes of a week, where "now + 5 minutes" once
    fell into the next one. Ahead of the real clock, so the login cookie stays valid."""
    today = datetime.now(UTC).date()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    return datetime.combine(sunday, time(23, 50), tzinfo=UTC)


@pytest.fixture
def sunday_night():
    with time_machine.travel(_coming_sunday_night(), tick=True):
        yield


@pytest.mark.usefixtures("sunday_night")
def test_the_dashboard_shows_the_day_and_leads_to_the_interview(page, alice, workspace_a):
    now = timezone.now()
    maya = ContactFactory(workspace=workspace_a, owner=alice, first_name="Maya", last_name="Lin")
    interview = InterviewFactory(
        contact=maya,
        owner=alice,
        status=Interview.Status.SCHEDULED,
        starts_at=now + timedelta(minutes=5),
    )
    FollowUpFactory(
        contact=maya, owner=alice, title="Send the article", due_at=now - timedelta(days=2)
    )

    log_in(page, "alice@example.test")
    page.goto("/w/acme/")
    expect(page.get_by_test_id("followups-overdue")).to_contain_text("Send the article")
    expect(page.get_by_role("heading", name="Time to get back in touch")).to_be_visible()
    today = page.get_by_test_id("interviews-today").or_(page.get_by_test_id("interviews-week"))
    today.get_by_role("link", name="Maya Lin").click()
    expect(page).to_have_url(f"http://{page.url.split('/')[2]}{interview.get_absolute_url()}")


def test_a_report_shows_its_chart_and_table_and_filters(page, alice, workspace_a):
    now = timezone.now()
    for i in range(3):
        contact = ContactFactory(workspace=workspace_a, owner=alice)
        InterviewFactory(contact=contact, owner=alice, starts_at=now - timedelta(days=i))

    log_in(page, "alice@example.test")
    page.goto("/w/acme/")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Conversations").click()
    chart = page.get_by_test_id("chart")
    expect(chart).to_be_visible()
    # The SVG loaded and was drawn: decode() waits for it (and fails for a broken image), and
    # an image that failed would have no natural width. (wait_for_function would poll with a
    # string evaluated in the page, which the page's CSP rightly refuses.)
    chart.evaluate("img => img.decode()")
    assert chart.evaluate("img => img.naturalWidth") > 0
    table = page.locator("table[data-table=conversations]")
    expect(table.locator("tr").last).to_contain_text("Total")
    expect(table.locator("tr").last).to_contain_text("3")

    page.get_by_label("From", exact=True).fill("2026-03-31")
    page.get_by_label("To", exact=True).fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("filter-errors")).to_contain_text(
        "The start date is after the end date."
    )
