"""What the contact list costs: its count comes from the cache until a contact changes, a page of
50 people stays under 40 KB, and long choice lists give way to the search box."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts import services
from contacts.models import Company, Contact
from contacts.services import contacts_refresh_search
from contacts.tests.factories import TagFactory


def url(name, **kwargs):
    return reverse(f"contacts:{name}", kwargs={"ws": "acme", **kwargs})


def _people(workspace, owner, count, companies=3, start=0):
    """People like the scale data's (bench): a title, a company, two tags, a stage, an owner."""
    made = Company.objects.bulk_create(
        Company(workspace=workspace, name=f"Brown Partners {start + i}") for i in range(companies)
    )
    tags = [TagFactory(workspace=workspace, name=f"skill-{i}") for i in range(start, start + 2)]
    contacts = Contact.objects.bulk_create(
        Contact(
            workspace=workspace,
            first_name=f"Aisha{start + i}",
            last_name="Adeyemi",
            title="Consultant",
            owner=owner,
            company=made[i % len(made)],
            stage=Contact.Stage.ENGAGED,
        )
        for i in range(count)
    )
    for contact in contacts:
        contact.tags.set(tags)
    contacts_refresh_search(contact_ids=[c.pk for c in contacts])
    return contacts


def _count_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("list"), params or {})
    assert response.status_code == 200
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")], response


def test_it_counts_once_until_a_contact_changes(client, alice, workspace_a):
    _people(workspace_a, alice, 60)
    client.force_login(alice)
    counted, response = _count_queries(client)
    assert len(counted) == 1 and response.context["page"].count == 60
    counted, response = _count_queries(client)
    assert counted == [] and response.context["page"].count == 60
    counted, response = _count_queries(client, {"q": "aisha1"})
    assert len(counted) == 1  # another list, its own count
    assert _count_queries(client, {"q": "aisha1"})[0] == []

    client.post(
        url("create"),
        {
            "first_name": "Newest",
            "last_name": "Person",
            "owner": alice.pk,
            "cadence_days": 90,
            "stage": "new",
        },
    )
    counted, response = _count_queries(client)
    assert len(counted) == 1 and response.context["page"].count == 61

    services.contact_archive(contact=Contact.objects.get(first_name="Newest"))
    assert _count_queries(client)[1].context["page"].count == 60
    services.contacts_bulk_archive(
        workspace=workspace_a,
        contact_ids=list(
            Contact.objects.filter(workspace=workspace_a).values_list("pk", flat=True)[:10]
        ),
    )
    assert _count_queries(client)[1].context["page"].count == 50


def test_it_counts_other_workspaces_apart(client, alice, charlie, workspace_a, workspace_b):
    _people(workspace_a, alice, 12)
    _people(workspace_b, charlie, 5, start=100)
    client.force_login(alice)
    assert _count_queries(client)[1].context["page"].count == 12
    client.force_login(charlie)
    page = client.get(reverse("contacts:list", kwargs={"ws": "bravo"}))
    assert page.context["page"].count == 5


def test_a_page_of_50_people_stays_under_40_kb(client, alice, workspace_a):
    _people(workspace_a, alice, 120, companies=40)
    client.force_login(alice)
    response = client.get(url("list"))
    assert len(response.context["rows"]) == 50
    assert len(response.content) <= 40 * 1024
    first = response.context["rows"][0]
    assert f'<a href="/w/acme/contacts/{first.pk}/" id="c{first.pk}"' in response.text
    assert f'href="/w/acme/contacts/companies/{first.company_id}/"' in response.text
    assert '<span class="badge tag">skill-0</span>' in response.text


def test_a_long_company_list_gives_way_to_the_search_box(client, alice, workspace_a):
    contacts = _people(workspace_a, alice, 150, companies=150)
    client.force_login(alice)
    page = client.get(url("list")).text
    assert "Brown Partners 120" not in page.split('id="contact-results"')[0]
    assert "Too many to list" in page
    chosen = contacts[120].company
    response = client.get(url("list"), {"company": chosen.pk})
    assert [c.pk for c in response.context["rows"]] == [contacts[120].pk]
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in response.text
