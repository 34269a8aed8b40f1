"""Dark mode: the system setting by default, a switch in Account settings, charts included.

Bootstrap 5.3's colour modes read ``data-bs-theme`` on <html>. The server writes it for an
explicit choice; for "auto" a small script in <head> (static/js/theme.js) follows
prefers-color-scheme and its changes. The contrast of both modes is checked page by page in
test_accessibility.py.
"""

import re

import pytest
from playwright.sync_api import expect

from infoview.testing.browser import log_in


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "theme"), [("auto", "light"), ("light", "light"), ("dark", "dark")]
)
def test_the_server_writes_the_users_choice_on_the_page(client, alice, mode, theme):
    alice.color_mode = mode
    alice.save(update_fields=["color_mode"])
    client.force_login(alice)
    tag = _html_tag(client.get("/accounts/settings/"))
    assert f'data-color-mode="{mode}"' in tag
    assert f'data-bs-theme="{theme}"' in tag


@pytest.mark.django_db
def test_a_visitor_follows_the_system_and_the_script_runs_before_the_body(client):
    response = client.get("/accounts/login/")
    assert 'data-color-mode="auto"' in _html_tag(response)
    page = response.content.decode()
    head = page[: page.index("<body")]
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert re.search(r'<script src="[^"]*/js/theme\.js" nonce="' + re.escape(nonce) + '">', head)


@pytest.mark.django_db
def test_the_switch_in_account_settings_saves_the_mode(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/settings/",
        {
            "name": alice.name,
            "language": "",
            "time_zone": alice.time_zone,
            "reminder_preference": alice.reminder_preference,
            "color_mode": "dark",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.color_mode == "dark"
    assert 'data-bs-theme="dark"' in _html_tag(client.get("/accounts/settings/"))


@pytest.mark.django_db
def test_an_unknown_mode_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/settings/",
        {"name": alice.name, "time_zone": alice.time_zone, "color_mode": "purple"},
    )
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.color_mode == "auto"


@pytest.mark.django_db
def test_each_chart_comes_in_a_light_and_a_dark_drawing(client, alice, workspace_a):
    client.force_login(alice)
    page = client.get(f"/w/{workspace_a.slug}/reports/conversations/").content.decode()
    assert 'class="img-fluid border rounded chart-light"' in page
    assert "chart.svg?theme=dark" in page
    light = client.get(f"/w/{workspace_a.slug}/reports/conversations/chart.svg").content.decode()
    dark = client.get(
        f"/w/{workspace_a.slug}/reports/conversations/chart.svg?theme=dark"
    ).content.decode()
    assert "#212529" in dark and "#212529" not in light
    assert "<script" not in dark


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auto_follows_the_system_setting_as_it_changes(page, alice, workspace_a):
    log_in(page, "alice@example.test")
    page.emulate_media(color_scheme="light")
    page.goto(f"/w/{workspace_a.slug}/reports/conversations/")
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", "light")
    expect(page.get_by_test_id("chart")).to_be_visible()
    expect(page.get_by_test_id("chart-dark")).to_be_hidden()

    # The system turns dark: the open page follows at once, chart included.
    page.emulate_media(color_scheme="dark")
    expect(html).to_have_attribute("data-bs-theme", "dark")
    expect(page.get_by_test_id("chart-dark")).to_be_visible()
    expect(page.get_by_test_id("chart")).to_be_hidden()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(33, 37, 41)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_explicit_choice_wins_over_the_system(page, alice):
    alice.color_mode = "light"
    alice.save(update_fields=["color_mode"])
    log_in(page, "alice@example.test")
    page.emulate_media(color_scheme="dark")
    page.goto("/accounts/settings/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")

    page.get_by_label("Appearance").select_option("dark")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
