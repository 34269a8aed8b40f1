"""What the interview pages cost: the same queries with 10 or 500 rows, and no list of everyone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from contacts.services import contacts_refresh_search
from interviews.models import Interview, Note
from interviews.tests.factories import make_interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _contacts(workspace, owner, count, start=0):
    made = Contact.objects.bulk_create(
        Contact(
            workspace=workspace,
            owner=owner,
            first_name=f"Many{start + i}",
            last_name="Person",
            emails=[f"many{start + i}@example.test"],
        )
        for i in range(count)
    )
    contacts_refresh_search(contact_ids=[c.pk for c in made])
    return made


def _interviews(workspace, owner, contacts):
    now = timezone.now()
    Interview.objects.bulk_create(
        Interview(
            workspace=workspace,
            owner=owner,
            contact=contact,
            starts_at=now + timedelta(days=1, minutes=i),
            status=Interview.Status.SCHEDULED,
        )
        for i, contact in enumerate(contacts)
    )


def _queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_it_lists_interviews_in_the_same_queries_at_10_and_500(
    client, alice, bob, workspace_a, url
):
    client.force_login(alice)
    client.get(url("list"))  # the first visit remembers the workspace
    counts = []
    made = 0
    for size in (10, 500):
        contacts = _contacts(workspace_a, alice, size - made, start=made)
        _interviews(workspace_a, bob, contacts)
        made = size
        filtered = {"when": "all", "owner": bob.pk, "contact": contacts[0].pk}
        counts.append(
            (_queries(client, url("list"))[0], _queries(client, url("list"), filtered)[0])
        )
    assert counts[0] == counts[1]
    # 8 -> 7: the rows' readiness is counted in the page's own statement, not a query of its own.
    assert counts[1][0] <= 7


def test_it_shows_an_interview_in_the_same_queries_at_10_and_500_notes(
    client, alice, workspace_a, url
):
    interview = make_interview(workspace=workspace_a, owner=alice)
    client.force_login(alice)
    client.get(url("list"))
    counts = []
    made = 0
    for size in (10, 500):
        Note.objects.bulk_create(
            Note(workspace=workspace_a, interview=interview, author=alice, body=f"Note {i}")
            for i in range(made, size)
        )
        made = size
        counts.append(
            (
                _queries(client, url("detail", pk=interview.pk))[0],
                _queries(client, url("conversation", pk=interview.pk))[0],
            )
        )
    assert counts[0] == counts[1]
    # The interview (with its contact, owner, text, assessment), its lists, notes and emails in
    # one statement, the audit row, and the user and memberships of every page (the session
    # comes from the shared cache).
    assert max(counts[1]) <= 5


@pytest.mark.parametrize("page", ["create", "list"])
def test_it_picks_the_contact_by_search_not_from_a_list_of_everyone(
    client, alice, workspace_a, url, page
):
    _contacts(workspace_a, alice, 500)
    client.force_login(alice)
    client.get(url("list"))
    count, response = _queries(client, url(page))
    assert "Many499" not in response.text
    assert "data-contact-picker" in response.text
    assert count <= 8
    found = client.get(f"/w/{workspace_a.slug}/contacts/picker/", {"picker_q": "many499"}).text
    assert "Many499 Person" in found


def test_it_plans_an_interview_with_the_picked_contact(client, alice, workspace_a, url):
    (picked,) = _contacts(workspace_a, alice, 1)
    client.force_login(alice)
    response = client.post(
        url("create"), {"contact": picked.pk, "mode": "video", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    assert Interview.objects.get(workspace=workspace_a).contact == picked


def test_it_refuses_a_contact_of_another_workspace(client, alice, charlie, workspace_b, url):
    (foreign,) = _contacts(workspace_b, charlie, 1)
    client.force_login(alice)
    response = client.post(
        url("create"), {"contact": foreign.pk, "mode": "video", "time_zone": "Europe/London"}
    )
    assert response.status_code == 400
    assert not Interview.objects.filter(contact=foreign).exists()
