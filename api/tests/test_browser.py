"""The interactive docs and the token page in real Chromium, under the strict CSP."""

import json

import pytest
from playwright.sync_api import expect

from infoview.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_from_local_files_without_a_csp_violation(page, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    # The Swagger UI bundle is large: on a busy two-core machine it takes a while to start.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Infoview API", timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    outside = [u for u in requests if not u.startswith((live_server.url, "data:"))]
    assert not outside, f"fetched from elsewhere: {outside}"
    # `page` fails the test on any CSP violation when it closes.


def test_a_token_made_on_the_page_works_once_and_is_shown_once(page, alice, workspace_a):
    log_in(page, alice.email)
    page.goto("/accounts/settings/")
    page.get_by_role("link", name="API tokens").click()
    page.locator("#id_name").fill("Spreadsheet")
    page.locator("#id_workspace").select_option(label="Acme")
    page.locator("#id_scope").select_option("read")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("ivt_")
    answer = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert json.loads(answer.body())["token_scope"] == "read"
    page.goto("/accounts/api-tokens/")
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    expect(page.get_by_text("Spreadsheet")).to_be_visible()
