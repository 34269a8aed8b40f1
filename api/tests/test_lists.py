"""Cursor pagination is stable under inserts; the contact list has a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.routes.contacts import ContactOut, ContactPage
from contacts import services as contact_services
from contacts.tests.factories import CompanyFactory, ContactFactory, TagFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _walk(api, path):
    seen, cursor = [], None
    while True:
        page = api.get(path + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


@pytest.mark.parametrize("sort", ["name", "-created", "last_interaction", "company"])
def test_pages_neither_skip_nor_repeat_rows_when_rows_are_added(alice_api, workspace_a, sort):
    now = timezone.now()
    for n in range(7):
        ContactFactory(
            workspace=workspace_a,
            last_name=f"M{n % 3}",
            last_interaction_at=now - timedelta(days=n) if n % 2 else None,
        )
    first = alice_api.get(f"/contacts?sort={sort}&limit=3").json()
    # Someone adds people while the client pages through: they sort before the cursor.
    for _n in range(3):
        ContactFactory(workspace=workspace_a, last_name="A")
    rest = _walk(alice_api, f"/contacts?sort={sort}&limit=3&cursor={first['next_cursor']}")
    ids = [c["id"] for c in first["items"]] + rest
    assert len(ids) == len(set(ids)), "no row twice"
    everything = _walk(alice_api, f"/contacts?sort={sort}&limit=100")
    assert [i for i in everything if i in set(ids)] == ids, "the same order as one long page"


def test_search_pages_follow_relevance_without_gaps(alice_api, workspace_a):
    for n in range(9):
        ContactFactory(workspace=workspace_a, first_name="Grace", summary="grace " * (n % 4))
    ContactFactory(workspace=workspace_a, first_name="Other")
    ids = _walk(alice_api, "/contacts?q=grace&limit=2")
    assert len(ids) == len(set(ids)) == 9


def _seed(workspace, owner, count):
    tags = [TagFactory(workspace=workspace, name=f"tag{n}") for n in range(3)]
    company = contact_services.company_for_name(workspace=workspace, name="Acme Ltd")
    for n in range(count):
        ContactFactory(
            workspace=workspace, owner=owner, company=company, last_name="Jones", tags=tags
        )
        if n == 0:
            ContactFactory(workspace=workspace, first_name="Unrelated", last_name="Other")


@pytest.mark.parametrize("count", [5, 60])
def test_the_contact_list_takes_a_fixed_number_of_queries(
    alice_api, alice, workspace_a, count, django_assert_max_num_queries
):
    _seed(workspace_a, alice, count)
    alice_api.get("/contacts")  # the token's last use is written once a minute, not counted
    with django_assert_max_num_queries(10):
        page = alice_api.get("/contacts?q=jones&limit=50").json()
    assert len(page["items"]) == min(count, 50)
    assert page["items"][0]["tags"] == ["tag0", "tag1", "tag2"]
    with django_assert_max_num_queries(10):
        alice_api.get("/contacts?limit=200&sort=company")


def test_a_list_item_is_exactly_what_the_contact_endpoint_answers(alice_api, alice, workspace_a):
    # The list builds its rows from .values(), without validating them against ContactOut:
    # each item must still be the contact's own answer, key for key and in the same order.
    introducer = ContactFactory(workspace=workspace_a, first_name="Ines", last_name="Ng")
    ContactFactory(
        workspace=workspace_a,
        first_name="Zoë",
        last_name="Ng",
        emails=["zoe@example.test", "z.ng@example.test"],
        phone="+44 20 7946 0000",
        title="Engineer",
        company=CompanyFactory(workspace=workspace_a, name="Ångström Ltd"),
        location="Leeds",
        summary="Met at PyCon.",
        owner=alice,
        introduced_by=introducer,
        last_interaction_at=timezone.now() - timedelta(days=3, microseconds=1234),
        tags=[TagFactory(workspace=workspace_a, name=n) for n in ("zeta", "Alpha", "beta")],
    )
    for path in ("/contacts?limit=10", "/contacts?q=ng&limit=10", "/contacts?sort=company"):
        page = alice_api.get(path).json()
        assert list(page) == list(ContactPage.model_fields)
        assert len(page["items"]) == 2
        for item in page["items"]:
            assert list(item) == list(ContactOut.model_fields)
            assert item == alice_api.get(f"/contacts/{item['id']}").json()
