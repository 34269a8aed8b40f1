"""Bad input gets a 4xx problem details body, never a 500, and writes nothing."""

import json

import pytest
from django.test import override_settings

from contacts import services as contact_services
from contacts.models import Contact
from interviews.models import Interview


def _problem(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.fixture
def ada(alice, workspace_a):
    return contact_services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Ada", last_name="Lovelace"
    )


def test_it_refuses_malformed_json(alice_api):
    _problem(alice_api.call("post", "/contacts", raw=b'{"first_name": "Ada",'), 400)
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"first_name": 42},
        {"first_name": "Ada", "emails": "ada@example.test"},
        {"first_name": "Ada", "cadence_days": "often"},
        {"first_name": "Ada", "stage": "famous"},
        {"first_name": ""},
        {},
        [],
        "Ada",
    ],
)
def test_it_refuses_wrong_types(alice_api, body):
    body = _problem(alice_api.post("/contacts", body), 422)
    assert body["errors"]
    assert not Contact.objects.exists()


def test_it_refuses_unknown_fields(alice_api):
    body = _problem(alice_api.post("/contacts", {"first_name": "Ada", "nickname": "A"}), 422)
    assert body["errors"][0]["location"] == "nickname"
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert not Contact.objects.exists()


def test_it_refuses_a_bad_email_with_the_services_rule(alice_api):
    _problem(alice_api.post("/contacts", {"first_name": "Ada", "emails": ["not-an-email"]}), 422)
    assert not Contact.objects.exists()


@override_settings(API_MAX_BODY_BYTES=1024 * 1024)
def test_it_refuses_bodies_over_one_megabyte_unread(alice_api):
    body = json.dumps({"first_name": "Ada", "summary": "x" * (1024 * 1024)}).encode()
    _problem(alice_api.call("post", "/contacts", raw=body), 413)
    assert not Contact.objects.exists()


def test_it_refuses_nul_characters(alice_api):
    _problem(alice_api.post("/contacts", {"first_name": "A\x00da"}), 422)
    _problem(alice_api.get("/contacts?q=a%00b"), 422)
    assert not Contact.objects.exists()


def test_it_answers_numbers_out_of_range_without_a_server_error(alice_api):
    _problem(alice_api.get(f"/contacts/{2**70}"), 404)  # no row has that id
    _problem(alice_api.post("/interviews", {"contact_id": 2**70}), 422)


def test_it_refuses_an_invalid_time_zone(alice_api, ada):
    body = {"contact_id": ada.pk, "starts_at": "2030-01-10T10:00:00", "time_zone": "Mars/Olympus"}
    problem = _problem(alice_api.post("/interviews", body), 422)
    assert problem["errors"][0]["location"] == "time_zone"
    assert not Interview.objects.exists()


def test_it_refuses_a_time_the_clocks_skip(alice_api, ada):
    # 29 March 2026, 01:30 does not happen in London: the clocks go from 01:00 to 02:00.
    body = {"contact_id": ada.pk, "starts_at": "2026-03-29T01:30:00", "time_zone": "Europe/London"}
    problem = _problem(alice_api.post("/interviews", body), 422)
    assert "does not exist" in problem["detail"]
    assert not Interview.objects.exists()


def test_it_asks_which_of_a_time_the_clocks_pass_twice(alice_api, ada):
    body = {"contact_id": ada.pk, "starts_at": "2026-10-25T01:30:00", "time_zone": "Europe/London"}
    problem = _problem(alice_api.post("/interviews", body), 422)
    assert problem["errors"][0]["location"] == "fold"
    assert not Interview.objects.exists()
    response = alice_api.post("/interviews", {**body, "fold": "later"})
    assert response.status_code == 201
    assert response.json()["starts_at"] == "2026-10-25T01:30:00Z"  # the second 01:30 is GMT


def test_it_refuses_ids_of_another_workspace_in_bodies(alice_api, charlie, workspace_b, ada):
    theirs = contact_services.contact_create(
        workspace=workspace_b, owner=charlie, first_name="Their"
    )
    problem = _problem(alice_api.post("/interviews", {"contact_id": theirs.pk}), 422)
    assert problem["errors"][0]["location"] == "contact_id"
    problem = _problem(
        alice_api.post("/contacts", {"first_name": "Bo", "introduced_by_id": theirs.pk}), 422
    )
    assert problem["errors"][0]["location"] == "introduced_by_id"
    _problem(alice_api.post("/contacts", {"first_name": "Bo", "owner_id": charlie.pk}), 422)
    _problem(alice_api.patch(f"/contacts/{ada.pk}", {"introduced_by_id": theirs.pk}), 422)
    due = {"contact_id": theirs.pk, "kind": "advice", "due_at": "2030-01-01T09:00:00Z"}
    _problem(alice_api.post("/follow-ups", due), 422)
    assert Contact.objects.filter(workspace=theirs.workspace).count() == 1
    assert not Interview.objects.exists()
    assert Contact.objects.get(pk=ada.pk).introduced_by_id is None


def test_it_answers_unknown_addresses_with_a_problem(alice_api):
    _problem(alice_api.get("/api/v1/nothing-here"), 404)
    _problem(alice_api.get("/contacts/not-a-number"), 422)


def test_it_refuses_a_bad_cursor(alice_api):
    _problem(alice_api.get("/contacts?cursor=garbage"), 400)


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:10:00+09:00", "3000-01-01T09:00:00Z"]
)
def test_it_refuses_dates_outside_the_years_the_forms_take(alice_api, ada, when):
    # The forms take years 1900 to 2999 (infoview/dates.py); so does the API, before a
    # conversion to UTC leaves Python's calendar (it was a 500) or a follow-up is stored for
    # the year 3000.
    due = {"contact_id": ada.pk, "kind": "advice", "due_at": when}
    problem = _problem(alice_api.post("/follow-ups", due), 422)
    assert problem["errors"][0]["location"] == "due_at"
    assert "between the years 1900 and 2999" in problem["errors"][0]["message"]
    local = when[:19]
    for body in (
        {"contact_id": ada.pk, "starts_at": when},
        {"contact_id": ada.pk, "starts_at": local, "time_zone": "Pacific/Kiritimati"},
    ):
        problem = _problem(alice_api.post("/interviews", body), 422)
        assert problem["errors"][0]["location"] == "starts_at"
    _problem(alice_api.get(f"/follow-ups?due_before={when.replace('+', '%2B')}"), 422)
    _problem(alice_api.get(f"/reports/conversations?start={when[:10]}"), 422)
    assert not Interview.objects.exists()
    assert not ada.followups.exists()


def test_it_takes_dates_at_the_edges_of_those_years(alice_api, ada):
    for when in ("1900-01-01T00:00:00Z", "2999-12-31T23:59:00+00:00"):
        due = {"contact_id": ada.pk, "kind": "advice", "due_at": when}
        assert alice_api.post("/follow-ups", due).status_code == 201
    assert alice_api.get("/follow-ups?due_before=2999-12-31T23:59:00Z").status_code == 200
