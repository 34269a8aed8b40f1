"""A search's page is ranked once while the workspace's contacts are unchanged: every write that
changes what a search finds, or in which order, gives the next search a fresh page.

Each test first searches (so the page is kept), writes through the door a user uses, and
searches again with the same words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.importing import run
from contacts.models import ImportJob
from contacts.tests.factories import ContactFactory

pytestmark = pytest.mark.usefixtures("frozen_clock")


def url(name, **kwargs):
    return reverse(f"contacts:{name}", kwargs={"ws": "acme", **kwargs})


def found(client, q, **filters):
    response = client.get(url("list"), {"q": q, **filters})
    assert response.status_code == 200
    return [row.full_name for row in response.context["page"].object_list]


def test_it_ranks_a_search_once_until_a_contact_changes(as_alice, workspace_a, contact):
    ContactFactory(workspace=workspace_a, first_name="Lovell", last_name="Ames")
    first = as_alice.get(url("list"), {"q": "lovel"})
    with CaptureQueriesContext(connection) as queries:
        again = as_alice.get(url("list"), {"q": "lovel"})
    statements = " ".join(q["sql"] for q in queries)
    assert "@@" not in statements and "contacts_searchword" not in statements
    assert again.context["rows_html"] == first.context["rows_html"]
    assert found(as_alice, "lovel") == ["Lovell Ames", "Ada Lovelace"]


def test_an_edit_moves_the_person_out_of_the_search(as_alice, alice, contact):
    assert found(as_alice, "lovelace") == ["Ada Lovelace"]
    form = {"first_name": "Ada", "last_name": "Byron", "owner": alice.pk, "cadence_days": 90}
    assert as_alice.post(url("edit", pk=contact.pk), {**form, "stage": "new"}).status_code == 302
    assert found(as_alice, "lovelace") == []
    assert found(as_alice, "byron") == ["Ada Byron"]


def test_a_new_tag_is_found(as_alice, contact):
    assert found(as_alice, "rocketry") == []
    as_alice.post(url("bulk_tag"), {"ids": [contact.pk], "tag": "rocketry"})
    assert found(as_alice, "rocketry") == ["Ada Lovelace"]


def test_a_renamed_company_is_found(as_alice, contact, company):
    contact.company = company
    contact.save()
    as_alice.post(url("bulk_tag"), {"ids": [contact.pk], "tag": "x"})  # refresh the document
    assert found(as_alice, "difference") == []
    response = as_alice.post(
        url("company_edit", pk=company.pk), {"name": "Difference Engines", "website": ""}
    )
    assert response.status_code == 302
    assert found(as_alice, "difference") == ["Ada Lovelace"]


def test_an_imported_person_is_found(as_alice, contact):
    assert found(as_alice, "curie") == []
    data = "First name,Last name,Company\nMarie,Curie,Sorbonne\n"
    as_alice.post(url("import_upload"), {"file": SimpleUploadedFile("p.csv", data.encode())})
    job = ImportJob.objects.get()
    as_alice.post(url("import_confirm", pk=job.pk))
    run.import_run(job_id=job.pk)
    assert found(as_alice, "curie") == ["Marie Curie"]


def test_a_merged_person_is_found_once(as_alice, workspace_a, contact):
    other = ContactFactory(workspace=workspace_a, first_name="Ada", last_name="Lovelace")
    assert found(as_alice, "lovelace") == ["Ada Lovelace", "Ada Lovelace"]
    response = as_alice.post(url("merge"), {"keep": contact.pk, "other": other.pk})
    assert response.status_code == 302
    assert found(as_alice, "lovelace") == ["Ada Lovelace"]


@pytest.mark.parametrize(
    "write",
    [
        lambda pk: url("delete", pk=pk),
        lambda pk: url("archive", pk=pk),
        lambda pk: reverse("privacy:contact_erase", kwargs={"ws": "acme", "pk": pk}),
        lambda pk: reverse("privacy:contact_anonymise", kwargs={"ws": "acme", "pk": pk}),
    ],
    ids=["delete", "archive", "erasure", "anonymise"],
)
def test_a_deleted_or_erased_person_is_no_longer_found(as_alice, contact, write):
    assert found(as_alice, "lovelace") == ["Ada Lovelace"]
    assert as_alice.post(write(contact.pk)).status_code == 302
    assert found(as_alice, "lovelace") == []


def test_a_new_word_is_found_by_a_typo_searched_before(as_alice, alice, contact):
    assert found(as_alice, "kowalsky") == []
    form = {"first_name": "Nia", "last_name": "Kowalski", "owner": alice.pk, "cadence_days": 90}
    as_alice.post(url("create"), {**form, "stage": "new"})
    assert found(as_alice, "kowalsky") == ["Nia Kowalski"]


def test_a_stage_change_moves_the_person_between_filtered_searches(as_alice, contact):
    assert found(as_alice, "lovelace", stage="nurturing") == []
    as_alice.post(url("bulk_stage"), {"ids": [contact.pk], "stage": "nurturing"})
    assert found(as_alice, "lovelace", stage="nurturing") == ["Ada Lovelace"]


def test_a_row_shows_its_last_interaction_fresh(as_alice, contact, frozen_clock):
    """The order is kept, not the rows: what changes without a new contacts version shows."""
    before = as_alice.get(url("list"), {"q": "lovelace"}).context["rows_html"]
    type(contact).objects.filter(pk=contact.pk).update(last_interaction_at=frozen_clock)
    assert as_alice.get(url("list"), {"q": "lovelace"}).context["rows_html"] != before
