"""Tokens, sessions, roles, rate limits and Idempotency-Key."""

from datetime import datetime, timedelta

import time_machine
from django.test import Client

from accounts import services as account_services
from accounts.models import Membership
from api.models import ApiToken, IdempotencyRecord
from api.tests.conftest import Api, make_token
from contacts.models import Contact


def test_it_stores_only_the_hash_of_a_token(alice, workspace_a):
    secret = make_token(alice, workspace_a)
    token = ApiToken.objects.get()
    assert secret.startswith("ivt_") and len(secret) > 40
    assert secret not in (token.token_hash, token.prefix)
    assert secret.startswith(token.prefix)


def test_a_token_stops_working_when_its_user_leaves_the_workspace(client, bob, workspace_a):
    api = Api(client, make_token(bob, workspace_a))
    assert api.get("/contacts").status_code == 200
    account_services.membership_remove(
        membership=Membership.objects.get(user=bob, workspace=workspace_a)
    )
    assert api.get("/contacts").status_code == 404


def test_a_revoked_or_expired_token_is_refused(client, alice, workspace_a):
    api = Api(client, make_token(alice, workspace_a, days=1))
    assert api.get("/contacts").status_code == 200
    with time_machine.travel(datetime.now() + timedelta(days=2)):
        assert api.get("/contacts").status_code == 401
    ApiToken.objects.update(revoked_at=datetime.now().astimezone())
    response = api.get("/contacts")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_reaches_only_its_own_workspace(client, alice, workspace_a, personal_workspace):
    api = Api(client, make_token(alice, personal_workspace), ws=workspace_a.slug)
    assert api.get("/contacts").status_code == 404


def test_a_read_only_token_reads_but_does_not_write(client, alice, workspace_a):
    api = Api(client, make_token(alice, workspace_a, scope=ApiToken.Scope.READ))
    assert api.get("/contacts").status_code == 200
    assert api.post("/contacts", {"first_name": "Ada"}).status_code == 403
    assert not Contact.objects.exists()


def test_it_records_when_a_token_was_last_used(client, alice, workspace_a):
    api = Api(client, make_token(alice, workspace_a))
    assert ApiToken.objects.get().last_used_at is None
    api.get("/contacts")
    assert ApiToken.objects.get().last_used_at is not None


def test_a_recruiters_token_cannot_reach_admin_only_reports(bob_api, alice_api):
    assert bob_api.get("/reports/sources").status_code == 403
    assert "sources" not in {r["slug"] for r in bob_api.get("/reports").json()}
    assert alice_api.get("/reports/sources").status_code == 200


def test_the_session_works_same_origin_with_csrf_enforced(alice, workspace_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/v1/w/acme/contacts").status_code == 200
    refused = browser.post(
        "/api/v1/w/acme/contacts", data={"first_name": "Ada"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not Contact.objects.exists()
    browser.get("/accounts/settings/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/w/acme/contacts",
        data={"first_name": "Ada"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 201, accepted.content


def test_past_the_token_limit_the_answer_is_429_with_retry_after(settings, alice_api):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "3/m"}
    assert [alice_api.get("/contacts").status_code for _ in range(3)] == [200] * 3
    response = alice_api.get("/contacts")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_user_limit_counts_every_token_of_the_user(settings, client, alice, workspace_a):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_user": "4/m"}
    first = Api(client, make_token(alice, workspace_a))
    second = Api(client, make_token(alice, workspace_a))
    assert [first.get("/contacts").status_code for _ in range(2)] == [200, 200]
    assert [second.get("/contacts").status_code for _ in range(2)] == [200, 200]
    assert second.get("/contacts").status_code == 429


def test_a_retried_post_with_the_same_key_makes_one_row(alice_api):
    body = {"first_name": "Ada", "last_name": "Lovelace"}
    first = alice_api.post("/contacts", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = alice_api.post("/contacts", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1
    other = alice_api.post("/contacts", {"first_name": "Bo"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert Contact.objects.count() == 1
    assert alice_api.post("/contacts", body, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert Contact.objects.count() == 2


def test_an_idempotency_key_belongs_to_its_user(alice_api, bob_api):
    body = {"first_name": "Ada"}
    assert alice_api.post("/contacts", body, HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    replay = bob_api.post("/contacts", body, HTTP_IDEMPOTENCY_KEY="same")
    assert replay.status_code == 201 and "Idempotent-Replayed" not in replay
    assert Contact.objects.count() == 2


def test_a_key_whose_request_failed_on_input_replays_the_failure(alice_api):
    bad = {"first_name": "Ada", "emails": ["nope"]}
    assert alice_api.post("/contacts", bad, HTTP_IDEMPOTENCY_KEY="k").status_code == 422
    assert alice_api.post("/contacts", bad, HTTP_IDEMPOTENCY_KEY="k").status_code == 422
    assert IdempotencyRecord.objects.get().status_code == 422
