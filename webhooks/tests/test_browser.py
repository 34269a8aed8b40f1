import pytest
from playwright.sync_api import expect

from infoview.testing.browser import log_in
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_a_webhook_reads_its_secret_and_sends_a_test_event(
    page, alice, workspace_a, receiver, monkeypatch
):
    # No worker runs here: the delivery waits in its row.
    monkeypatch.setattr(services.tasks.deliveries_deliver, "delay", lambda ids: None)
    log_in(page, "alice@example.test")
    page.goto("/w/acme/settings/")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add a webhook").click()
    page.get_by_label("URL").fill(receiver.url())
    page.get_by_label("Contact created").check()
    page.get_by_label("Follow-up due").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Webhook added.")).to_be_visible()

    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["contact.created", "followup.due"]
    page.get_by_text("Show").click()
    expect(page.locator("#signing-secret")).to_have_text(endpoint.secret)

    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_text("Test event queued")).to_be_visible()
    test_event = Delivery.objects.get()
    assert test_event.event_type == "webhook.test"
    # Queueing on commit is checked without a browser (test_delivery); here the row is what the
    # admin's click must leave behind, waiting for its delivery.
    assert test_event.state == Delivery.State.PENDING

    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    assert not Endpoint.objects.exists()
