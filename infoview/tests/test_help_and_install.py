"""Installable on a phone (web app manifest and icons) and usable from the keyboard."""

import json

import pytest
from django.contrib.staticfiles import finders

from infoview.testing.browser import log_in


def test_the_manifest_opens_infoview_full_screen_with_icons_that_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/static/")
        assert finders.find(name), f"{icon['src']} is not a static file"


def test_every_page_links_the_manifest(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_help_page_lists_the_shortcuts(client, db):
    page = client.get("/help/").content.decode()
    assert "<kbd>/</kbd>" in page and "<kbd>n</kbd>" in page


@pytest.mark.browser
def test_slash_focuses_search_and_n_starts_a_new_contact(page, world):
    log_in(page, world.alice.email)
    page.goto(f"/w/{world.workspace.slug}/contacts/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "id_q"
    # Typing in the search box never triggers a shortcut.
    page.keyboard.type("n")
    assert page.input_value("#id_q") == "n"
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url("**/contacts/new/")
    page.goto(f"/w/{world.workspace.slug}/interviews/")
    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url("**/interviews/new/")
    page.keyboard.press("?")
    assert page.url.endswith("/interviews/new/"), "? is typed into a field, not followed"
