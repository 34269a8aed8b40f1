import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import AuditEvent
from contacts.models import Contact
from contacts.services import contact_create
from infoview.testing.browser import log_in
from privacy.models import ContactPrivacy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_records_consent_exports_and_erases_a_contact(page, alice, workspace_a):
    contact = contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name="Hedy",
        last_name="Lamarr",
        emails=["hedy@example.test"],
    )
    log_in(page, "alice@example.test")
    page.goto(f"/w/acme/privacy/contacts/{contact.pk}/")
    expect(page.get_by_role("heading", name="Personal data of Hedy Lamarr")).to_be_visible()

    page.get_by_label("Lawful basis").select_option("consent")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say when the person gave their consent.")).to_be_visible()
    page.get_by_label("Consent given on").fill("2026-11-20T09:15")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Lawful basis saved.")).to_be_visible()
    assert ContactPrivacy.objects.get(contact=contact).lawful_basis == "consent"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["contact"]["emails"] == ["hedy@example.test"]

    page.get_by_role("link", name="Erase on request…").click()
    expect(page.get_by_role("heading", name="Erase Hedy Lamarr?")).to_be_visible()
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_text("The contact and everything about them were deleted.")).to_be_visible()
    assert not Contact.objects.filter(pk=contact.pk).exists()

    page.goto("/w/acme/privacy/audit/")
    expect(page.locator("#audit-count")).to_have_text("5 entries")
    page.get_by_label("Action").select_option("deleted")
    expect(page.locator("#audit-count")).to_have_text("1 entry")
    assert list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "viewed",
        "changed",
        "viewed",
        "exported",
        "deleted",
    ]
