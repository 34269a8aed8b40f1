"""Hostile input on the contacts pages: a clear answer, never a 500."""

import pytest
from django.urls import reverse

from contacts.tests.factories import CompanyFactory, ContactFactory

NASTY_TERMS = ["%", "\\", "''''", "%%", "\u202e", "a\x00b", "\x00", "_", "'", "&|!:*()"]


@pytest.mark.parametrize("term", NASTY_TERMS)
def test_it_searches_companies_for_any_text(client, alice, workspace_a, term):
    CompanyFactory(workspace=workspace_a, name="100% Pure")
    client.force_login(alice)
    response = client.get(reverse("contacts:company_list", kwargs={"ws": "acme"}), {"q": term})
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("term", NASTY_TERMS)
def test_it_searches_the_picker_for_any_text(client, alice, workspace_a, term):
    ContactFactory(workspace=workspace_a, first_name="Ada", last_name="Lovelace")
    client.force_login(alice)
    url = reverse("contacts:picker", kwargs={"ws": "acme"})
    assert client.get(url, {"picker_q": term}).status_code in {200, 400}
    url = reverse("contacts:list", kwargs={"ws": "acme"})
    assert client.get(url, {"q": term}).status_code in {200, 400}


def test_it_finds_a_company_by_a_percent_sign(client, alice, workspace_a):
    CompanyFactory(workspace=workspace_a, name="100% Pure")
    CompanyFactory(workspace=workspace_a, name="Plain")
    client.force_login(alice)
    response = client.get(reverse("contacts:company_list", kwargs={"ws": "acme"}), {"q": "%"})
    assert b"100% Pure" in response.content
    assert b"Plain" not in response.content
