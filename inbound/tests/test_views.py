"""The pages: the BCC address in Account settings (copy, rotate) and the unknown addresses."""

import re

import pytest
from django.urls import reverse

from contacts.models import Contact
from inbound import services
from inbound.models import DropAddress, UnknownAddress
from inbound.tests.conftest import mail


def _url(name, workspace, **kwargs):
    return reverse(f"inbound:{name}", kwargs={"ws": workspace.slug, **kwargs})


def test_account_settings_shows_each_workspaces_address_with_a_copy_button(
    client, alice, workspace_a
):
    client.force_login(alice)
    page = client.get(reverse("accounts:settings")).text
    assert "Create my BCC address" in page
    response = client.post(_url("rotate", workspace_a), {"next": "settings"}, follow=True)
    assert "Your BCC address is ready." in response.text
    drop = DropAddress.objects.get(user=alice, workspace=workspace_a, revoked_at=None)
    assert re.fullmatch(r"log-[a-z0-9]{20}@inbound\.localhost", drop.address)
    response = client.get(reverse("accounts:settings"))
    page = response.text
    assert f'value="{drop.address}"' in page
    assert f'data-copy-target="#drop-{drop.pk}"' in page
    # The copy button's script is a static file, loaded with the page's CSP nonce.
    nonce = re.search(r'<script src="[^"]*inbound[^"]*\.js" nonce="([^"]+)"', page).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_rotating_kills_the_old_address(client, alice, workspace_a, drop, maya):
    client.force_login(alice)
    response = client.post(_url("rotate", workspace_a), follow=True)
    assert "mail to the old one is dropped" in response.text
    new = DropAddress.objects.get(user=alice, workspace=workspace_a, revoked_at=None)
    assert new.address != drop.address
    old = services.inbound_receive_bytes(
        raw=bytes(mail()), channel="test", envelope_recipients=[drop.address]
    )
    assert old.reason == "unknown_address"


def test_an_unknown_address_becomes_a_contact_in_one_click(client, alice, workspace_a, drop):
    services.inbound_receive_bytes(
        raw=bytes(mail(to=["Nora Stone <nora@example.test>"])),
        channel="test",
        envelope_recipients=[drop.address],
    )
    client.force_login(alice)
    page = client.get(_url("page", workspace_a)).text
    assert "nora@example.test" in page
    unknown = UnknownAddress.objects.get()
    response = client.post(_url("unknown_add", workspace_a, pk=unknown.pk), follow=True)
    assert "Nora Stone is now a contact." in response.text
    assert Contact.objects.get(workspace=workspace_a, emails=["nora@example.test"])
    assert "nora@example.test" not in client.get(_url("page", workspace_a)).text
    # The second click finds nothing to add.
    assert client.post(_url("unknown_add", workspace_a, pk=unknown.pk)).status_code == 404


def test_another_workspace_gets_404(client, charlie, workspace_a, drop):
    services.inbound_receive_bytes(
        raw=bytes(mail(to=["nora@example.test"])),
        channel="test",
        envelope_recipients=[drop.address],
    )
    unknown = UnknownAddress.objects.get()
    client.force_login(charlie)
    assert client.post(_url("unknown_add", workspace_a, pk=unknown.pk)).status_code == 404
    assert client.post(_url("unknown_dismiss", workspace_a, pk=unknown.pk)).status_code == 404
    assert client.get(_url("page", workspace_a)).status_code == 404
    assert not Contact.objects.filter(emails=["nora@example.test"]).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_copy_button_copies_the_address(page, alice, workspace_a):
    from infoview.testing.browser import log_in

    drop = services.drop_address_rotate(user=alice, workspace=workspace_a)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "alice@example.test")
    page.goto(reverse("accounts:settings"))
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == drop.address
