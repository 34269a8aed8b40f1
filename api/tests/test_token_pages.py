"""Account settings → API tokens: made (shown once), listed with last use, revoked."""

from api.models import ApiToken
from api.tests.conftest import Api, make_token


def test_it_links_the_token_page_from_account_settings(client, alice):
    client.force_login(alice)
    assert b"/accounts/api-tokens/" in client.get("/accounts/settings/").content


def test_it_makes_a_token_and_shows_its_secret_once(client, alice, workspace_a):
    client.force_login(alice)
    response = client.post(
        "/accounts/api-tokens/",
        {"name": "Zapier", "workspace": workspace_a.pk, "scope": "read_write", "days": 30},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["created"].secret
    assert secret.encode() in response.content
    assert Api(client, secret).get("/contacts").status_code == 200
    listing = client.get("/accounts/api-tokens/")
    assert secret.encode() not in listing.content
    assert (
        b"Zapier" in listing.content and ApiToken.objects.get().prefix.encode() in listing.content
    )


def test_it_offers_only_the_users_own_workspaces(client, alice, workspace_b):
    client.force_login(alice)
    response = client.post(
        "/accounts/api-tokens/",
        {"name": "Sneaky", "workspace": workspace_b.pk, "scope": "read", "days": 30},
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token_at_once(client, alice, workspace_a):
    secret = make_token(alice, workspace_a)
    client.force_login(alice)
    token = ApiToken.objects.get()
    response = client.post("/accounts/api-tokens/revoke/", {"token": token.pk})
    assert response.status_code == 302
    client.logout()
    assert Api(client, secret).get("/contacts").status_code == 401


def test_someone_elses_token_is_a_404(client, alice, charlie, workspace_a):
    make_token(alice, workspace_a)
    client.force_login(charlie)
    token = ApiToken.objects.get()
    assert client.post("/accounts/api-tokens/revoke/", {"token": token.pk}).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert b"test" not in client.get("/accounts/api-tokens/").content.split(b"<h2")[-1]


def test_the_pages_need_a_signed_in_user(client):
    assert client.get("/accounts/api-tokens/").status_code == 302
    assert client.post("/accounts/api-tokens/revoke/", {"token": 1}).status_code == 302
