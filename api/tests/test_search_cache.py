"""The API's search keeps its page order like the list page: ranked once while the workspace's
contacts are unchanged, the same answer, and every write through the API that changes what a
search finds, or in which order, gives the next search a fresh page.

Each write test first searches (so the page is kept), writes through the API and searches again
with the same words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


def found(api, q, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"q": q, **filters}.items())
    response = api.get(f"/contacts?{query}")
    assert response.status_code == 200
    return [f"{c['first_name']} {c['last_name']}" for c in response.json()["items"]]


@pytest.fixture
def ada(workspace_a, alice):
    return ContactFactory(
        workspace=workspace_a, first_name="Ada", last_name="Lovelace", owner=alice
    )


def test_it_ranks_a_search_once_and_answers_the_same(alice_api, workspace_a, ada):
    for n in range(5):
        ContactFactory(workspace=workspace_a, first_name="Lovell", last_name=f"Ames{n}")
    first = alice_api.get("/contacts?q=lovel&limit=3")
    second_page = f"/contacts?q=lovel&limit=3&cursor={first.json()['next_cursor']}"
    later = alice_api.get(second_page)
    for path, response in (("/contacts?q=lovel&limit=3", first), (second_page, later)):
        with CaptureQueriesContext(connection) as queries:
            again = alice_api.get(path)
        statements = " ".join(q["sql"] for q in queries)
        assert "@@" not in statements and "contacts_searchword" not in statements
        assert again.content == response.content
    assert len(first.json()["items"]) == 3 and len(later.json()["items"]) == 3


def test_a_new_person_is_found_by_a_typo_searched_before(alice_api, ada):
    assert found(alice_api, "kowalsky") == []
    response = alice_api.post("/contacts", {"first_name": "Nia", "last_name": "Kowalski"})
    assert response.status_code == 201
    assert found(alice_api, "kowalsky") == ["Nia Kowalski"]


def test_an_edit_moves_the_person_out_of_the_search(alice_api, ada):
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
    assert alice_api.patch(f"/contacts/{ada.pk}", {"last_name": "Byron"}).status_code == 200
    assert found(alice_api, "lovelace") == []
    assert found(alice_api, "byron") == ["Ada Byron"]


def test_an_edit_changes_the_order(alice_api, workspace_a, ada):
    other = ContactFactory(workspace=workspace_a, first_name="Bea", last_name="Lovelace")
    assert found(alice_api, "lovelace") == ["Ada Lovelace", "Bea Lovelace"]
    summary = "lovelace " * 5
    assert alice_api.patch(f"/contacts/{other.pk}", {"summary": summary}).status_code == 200
    assert found(alice_api, "lovelace") == ["Bea Lovelace", "Ada Lovelace"]


def test_a_new_tag_is_found(alice_api, ada):
    assert found(alice_api, "rocketry") == []
    assert alice_api.patch(f"/contacts/{ada.pk}", {"tags": ["rocketry"]}).status_code == 200
    assert found(alice_api, "rocketry") == ["Ada Lovelace"]
    assert found(alice_api, "lovelace", tag="rocketry") == ["Ada Lovelace"]


def test_a_renamed_company_is_found(alice_api, workspace_a, ada):
    company = CompanyFactory(workspace=workspace_a, name="Analytical Engines")
    assert alice_api.patch(f"/contacts/{ada.pk}", {"company_id": company.pk}).status_code == 200
    assert found(alice_api, "difference") == []
    response = alice_api.patch(f"/companies/{company.pk}", {"name": "Difference Engines"})
    assert response.status_code == 200
    assert found(alice_api, "difference") == ["Ada Lovelace"]


def test_a_stage_change_moves_the_person_between_filtered_searches(alice_api, ada):
    assert found(alice_api, "lovelace", stage="nurturing") == []
    assert alice_api.patch(f"/contacts/{ada.pk}", {"stage": "nurturing"}).status_code == 200
    assert found(alice_api, "lovelace", stage="nurturing") == ["Ada Lovelace"]


def test_an_archived_person_leaves_and_a_restored_one_returns(alice_api, ada):
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
    assert alice_api.post(f"/contacts/{ada.pk}/archive").status_code == 200
    assert found(alice_api, "lovelace") == []
    assert found(alice_api, "lovelace", archived="true") == ["Ada Lovelace"]
    assert alice_api.post(f"/contacts/{ada.pk}/restore").status_code == 200
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
    assert found(alice_api, "lovelace", archived="true") == []


def test_a_deleted_person_is_no_longer_found(alice_api, ada):
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
    assert alice_api.delete(f"/contacts/{ada.pk}").status_code == 204
    assert found(alice_api, "lovelace") == []


def test_an_item_shows_its_last_interaction_fresh(alice_api, ada, frozen_clock):
    """The order is kept, not the rows: what changes without a new contacts version shows."""
    assert alice_api.get("/contacts?q=lovelace").json()["items"][0]["last_interaction_at"] is None
    type(ada).objects.filter(pk=ada.pk).update(last_interaction_at=frozen_clock)
    item = alice_api.get("/contacts?q=lovelace").json()["items"][0]
    assert item["last_interaction_at"] is not None


def test_workspaces_keep_their_own_order(alice_api, charlie, workspace_b, ada):
    from api.tests.conftest import Api, make_token

    ContactFactory(workspace=workspace_b, first_name="Cy", last_name="Lovelace")
    charlie_api = Api(alice_api.client, make_token(charlie, workspace_b), ws=workspace_b.slug)
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
    assert found(charlie_api, "lovelace") == ["Cy Lovelace"]
    assert found(alice_api, "lovelace") == ["Ada Lovelace"]
