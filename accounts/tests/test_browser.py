import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_creates_a_team_switches_and_logs_out(page, smtp_server, outbox_worker):
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Robin Newcomer")
    page.get_by_label("Email address").fill("robin@example.test")
    page.locator("#id_password1").fill("a long unusual passphrase")
    page.locator("#id_password2").fill("a long unusual passphrase")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content()
    page.goto(re.search(r"https?://[^/\s]+(/accounts/signup/\S+)", text).group(1))

    expect(page.get_by_role("heading", name="Robin's network")).to_be_visible()
    expect(page.get_by_text("Personal workspace · only you can see it")).to_be_visible()

    page.get_by_role("button", name="Robin's network").click()
    page.get_by_role("link", name="New team workspace…").click()
    page.get_by_label("Team name").fill("Robin Recruiting")
    page.get_by_role("button", name="Create team workspace").click()
    expect(page.get_by_role("heading", name="Robin Recruiting: team")).to_be_visible()

    page.get_by_role("button", name="Robin Recruiting").click()
    page.get_by_role("link", name="Robin's network").click()
    expect(page.get_by_role("heading", name="Robin's network")).to_be_visible()
    page.get_by_role("button", name="Robin's network").click()
    page.get_by_role("link", name="Robin Recruiting").click()
    expect(page.get_by_text("Team workspace · you are Admin")).to_be_visible()

    page.get_by_role("button", name="Robin", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Infoview")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_the_navigation_works_at_mobile_width_and_by_keyboard(page):
    from accounts import services

    services.user_signup(
        email="kim@example.test", name="Kim Phone", password="correct horse battery"
    )
    page.set_viewport_size({"width": 375, "height": 740})
    from infoview.testing.browser import log_in

    log_in(page, "kim@example.test")
    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.get_by_role("button", name="Kim's network")).to_be_visible()
    page.keyboard.press("Tab")
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
