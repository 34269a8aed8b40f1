import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Company, Contact, StageChange
from contacts.services import contacts_refresh_search
from contacts.tests.factories import CompanyFactory, ContactFactory, TagFactory
from contacts.timeline import timeline_for

pytestmark = pytest.mark.usefixtures("frozen_clock")


def url(name, **kwargs):
    return reverse(f"contacts:{name}", kwargs={"ws": "acme", **kwargs})


def test_it_lists_the_workspace_contacts_only(as_alice, contact, workspace_b):
    ContactFactory(workspace=workspace_b, first_name="Zebedee")
    response = as_alice.get(url("list"))
    assert response.status_code == 200
    assert "Ada Lovelace" in response.text
    assert "Zebedee" not in response.text


def test_it_answers_a_live_search_with_the_results_fragment(as_alice, contact, workspace_a):
    ContactFactory(workspace=workspace_a, first_name="Alan", last_name="Turing")
    response = as_alice.get(
        url("list"), {"q": "lovel"}, headers={"HX-Request": "true", "HX-Target": "contact-results"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Ada Lovelace" in response.text
    assert "Alan Turing" not in response.text


@pytest.mark.parametrize("query", [{}, {"q": "turing"}, {"sort": "company"}])
def test_each_row_shows_its_company_and_owner(as_alice, alice, bob, workspace_a, query):
    bob.name = ""  # a member without a name is shown by their address
    bob.save(update_fields=["name"])
    navy = CompanyFactory(workspace=workspace_a, name="Royal Navy")
    ContactFactory(workspace=workspace_a, first_name="Alan", last_name="Turing", owner=alice)
    ContactFactory(
        workspace=workspace_a, first_name="Joan", last_name="Turing", company=navy, owner=bob
    )
    ContactFactory(workspace=workspace_a, first_name="Dilly", last_name="Turing")
    rows = {
        str(c): (c.company_name, c.owner_name)
        for c in as_alice.get(url("list"), query).context["page"].object_list
    }
    assert rows == {
        "Alan Turing": (None, "Alice Admin"),
        "Joan Turing": ("Royal Navy", "bob@example.test"),
        "Dilly Turing": (None, None),
    }
    page = as_alice.get(url("list"), query).text
    assert ">Royal Navy</a>" in page and "<td>bob@example.test</td>" in page


@pytest.mark.parametrize("query", [{}, {"q": "turing"}])
def test_each_row_shows_its_own_tags_by_name_and_the_menus_list_the_workspace(
    as_alice, alice, bob, charlie, workspace_a, workspace_b, query
):
    bob.name = "Bob <O'Brien>"
    bob.save(update_fields=["name"])
    python, ada, rust = (
        TagFactory(workspace=workspace_a, name=n) for n in ("python", "Ada", "rust")
    )
    CompanyFactory(workspace=workspace_a, name="Babbage & Co")
    TagFactory(workspace=workspace_b, name="elsewhere-tag")
    CompanyFactory(workspace=workspace_b, name="Elsewhere Ltd")
    alan = ContactFactory(workspace=workspace_a, first_name="Alan", last_name="Turing")
    alan.tags.set([rust, python, ada])
    joan = ContactFactory(workspace=workspace_a, first_name="Joan", last_name="Turing")
    joan.tags.set([python])
    ContactFactory(workspace=workspace_a, first_name="Dilly", last_name="Turing")
    contacts_refresh_search(contact_ids=list(Contact.objects.values_list("pk", flat=True)))
    response = as_alice.get(url("list"), query)
    rows = {str(c): list(c.tag_names) for c in response.context["rows"]}
    assert rows == {
        "Alan Turing": ["Ada", "python", "rust"],
        "Joan Turing": ["python"],
        "Dilly Turing": [],
    }
    page = response.text
    badges = '<span class="badge tag">Ada</span><span class="badge tag">python</span>'
    assert badges + '<span class="badge tag">rust</span>' in page
    filters = page.split('id="contact-results"')[0]
    assert f'<option value="{ada.pk}">Ada</option>' in filters
    assert ">Babbage &amp; Co</option>" in filters
    assert "elsewhere" not in page.lower()
    assert f'<option value="{bob.pk}">Bob &lt;O&#x27;Brien&gt;</option>' in filters  # owner
    bulk = page.split('id="bulk-owner"')[1].split("</select>")[0]
    assert bulk == (
        f' class="form-select"><option value="{alice.pk}">Alice Admin</option>'
        f'<option value="{bob.pk}">Bob &lt;O&#x27;Brien&gt;</option>'
    )
    assert charlie.email not in page
    stages = page.split('id="bulk-stage"')[1].split("</select>")[0]
    assert stages.count("<option") == len(Contact.Stage.choices)
    assert '<option value="engaged">Engaged</option>' in stages


@pytest.mark.parametrize(
    ("typed", "found"),
    [("angstrom", "Anders Ångström"), ("Ångström", "Anders Ångström"), ("zoe bronte", "Zoë Brontë"),
     ("sorensen", "Søren Sørensen"), ("STRASSE", "Ida Straße")],
)  # fmt: skip
def test_search_ignores_accents_both_ways(as_alice, workspace_a, typed, found):
    for first, last in [("Anders", "Ångström"), ("Zoë", "Brontë"), ("Søren", "Sørensen"),
                        ("Ida", "Straße"), ("Alan", "Turing")]:  # fmt: skip
        ContactFactory(workspace=workspace_a, first_name=first, last_name=last)
    response = as_alice.get(url("list"), {"q": typed})
    names = [str(c) for c in response.context["page"].object_list]
    assert names == [found]


def test_it_filters_by_tag_stage_company_owner_and_source(as_alice, workspace_a, alice, bob):
    tag = TagFactory(workspace=workspace_a, name="python")
    company = CompanyFactory(workspace=workspace_a)
    match = ContactFactory(
        workspace=workspace_a,
        first_name="Match",
        stage="engaged",
        company=company,
        owner=bob,
        source="event",
        tags=[tag],
    )
    ContactFactory(workspace=workspace_a, first_name="Other", stage="new", owner=alice)
    for params in (
        {"tag": tag.pk},
        {"stage": "engaged"},
        {"company": company.pk},
        {"owner": bob.pk},
        {"source": "event"},
    ):
        page = as_alice.get(url("list"), params).context["page"]
        assert [row.pk for row in page.object_list] == [match.pk], params


@pytest.mark.parametrize("name", ["tag", "company", "owner"])
def test_it_ignores_a_filter_pointing_at_another_workspace(
    as_alice, contact, charlie, workspace_b, name
):
    foreign = {
        "tag": lambda: TagFactory(workspace=workspace_b),
        "company": lambda: CompanyFactory(workspace=workspace_b),
        "owner": lambda: charlie,
    }[name]()
    response = as_alice.get(url("list"), {name: foreign.pk})
    assert response.status_code == 200
    assert [row.pk for row in response.context["page"].object_list] == [contact.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "-created"},
        {},
        {"sort": "company"},
        {"sort": "last_interaction"},
        {"sort": "-last_interaction"},
        {"q": "person"},
    ],
)
def test_it_sorts_and_pages_by_keyset(as_alice, workspace_a, params):
    """Next starts after the last row shown (no OFFSET), in every order, NULLs included; a
    contact added meanwhile neither repeats nor hides a row; Previous comes back."""
    people = ContactFactory.create_batch(55, workspace=workspace_a, last_name="Person")
    Contact.objects.filter(pk__in=[p.pk for p in people[::3]]).update(
        last_interaction_at=timezone.now()
    )
    contacts_refresh_search(contact_ids=[p.pk for p in people])
    response = as_alice.get(url("list"), params)
    first = [row.pk for row in response.context["page"].object_list]
    assert len(first) == 50
    following = re.search(r'rel="next" href="([^"]+)"', response.text).group(1)
    assert "page=" not in following and "after=" in following
    newcomer = ContactFactory(workspace=workspace_a, first_name="Aaron", last_name="Aardvark")
    second_page = as_alice.get(url("list") + unescape(following))
    second = [row.pk for row in second_page.context["page"].object_list if row.pk != newcomer.pk]
    assert len(second) == 5 and not set(first) & set(second)
    assert set(first) | set(second) == {p.pk for p in people}
    assert second_page.context["page"].count >= 55
    previous = re.search(r'rel="prev" href="([^"]+)"', second_page.text).group(1)
    back = as_alice.get(url("list") + unescape(previous)).context["page"].object_list
    assert len(back) == 50 and {row.pk for row in back} & set(first)
    if params == {"sort": "-created"}:
        rows = response.context["page"].object_list
        assert rows[0].created_at >= rows[1].created_at


def test_a_damaged_page_link_is_a_clear_400(as_alice):
    response = as_alice.get(url("list"), {"after": "eyJ4Ijox:forged"})
    assert response.status_code == 400
    assert "page link is damaged" in response.text


@pytest.mark.parametrize("size", [10, 500])
def test_it_lists_in_the_same_number_of_queries_at_any_size(
    as_alice, workspace_a, alice, django_assert_num_queries, size
):
    tags = [TagFactory(workspace=workspace_a) for _ in range(3)]
    companies = [CompanyFactory(workspace=workspace_a) for _ in range(3)]
    contacts = [
        Contact(
            workspace=workspace_a,
            first_name=f"P{i}",
            last_name="Person",
            owner=alice,
            company=companies[i % 3],
        )
        for i in range(size)
    ]
    Contact.objects.bulk_create(contacts)
    for contact in contacts[:60]:
        contact.tags.set(tags)
    contacts_refresh_search(contact_ids=[c.pk for c in contacts])
    as_alice.get(url("list"))  # warm the session and last-workspace writes
    # User, memberships (the session comes from the shared cache); the drop-downs (members,
    # tags, companies); the similar words; the page with its names and tags; the count.
    with django_assert_num_queries(6):
        response = as_alice.get(url("list"), {"q": "person"})
    assert len(response.context["page"].object_list) == min(size, 50)
    # Again: the order, the typo words and the count are kept; the user, memberships and
    # drop-downs as before, and the page's rows read by id.
    with django_assert_num_queries(4) as queries:
        again = as_alice.get(url("list"), {"q": "person"})
    assert not any("ts_rank" in query["sql"] for query in queries.captured_queries)
    assert again.context["rows_html"] == response.context["rows_html"]


def test_it_creates_a_contact_with_company_and_tags(as_alice, workspace_a, alice):
    response = as_alice.post(
        url("create"),
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "emails": "grace@navy.test",
            "company_name": "US Navy",
            "tag_names": "navy, compilers",
            "cadence_days": "30",
            "stage": "new",
            "owner": alice.pk,
        },
    )
    contact = Contact.objects.get(first_name="Grace")
    assert response.status_code == 302
    assert response.url == contact.get_absolute_url()
    assert contact.company.name == "US Navy"
    assert sorted(t.name for t in contact.tags.all()) == ["compilers", "navy"]
    assert contact.cadence_days == 30


def test_a_second_contact_with_the_same_email_is_warned_about_then_allowed(
    as_alice, workspace_a, alice
):
    first = ContactFactory(workspace=workspace_a, first_name="Grace", emails=["grace@navy.test"])
    ContactFactory(workspace=workspace_a, first_name="Elsewhere", emails=["g@other.test"])
    data = {
        "first_name": "G.",
        "last_name": "Hopper",
        "emails": "Grace@Navy.test",
        "cadence_days": "30",
        "stage": "new",
        "owner": alice.pk,
    }
    response = as_alice.post(url("create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A contact with this email address already exists." in page
    assert f'href="{first.get_absolute_url()}">Grace' in page
    assert 'type="checkbox" name="same_person_ok"' in page
    assert not Contact.objects.filter(first_name="G.").exists()

    response = as_alice.post(url("create"), {**data, "same_person_ok": "on"})
    assert response.status_code == 302
    assert Contact.objects.filter(first_name="G.").exists()


def test_editing_a_contact_does_not_warn_about_its_own_email(as_alice, contact, alice):
    contact.emails = ["ada@example.test"]
    contact.save(update_fields=["emails"])
    response = as_alice.post(
        url("edit", pk=contact.pk),
        {
            "first_name": "Ada",
            "emails": "ada@example.test",
            "cadence_days": 90,
            "stage": "new",
            "owner": alice.pk,
        },
    )
    assert response.status_code == 302


def test_it_rerenders_an_invalid_form_with_400(as_alice):
    response = as_alice.post(
        url("create"), {"first_name": "", "emails": "nope", "cadence_days": 90}
    )
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_it_answers_404_to_an_introducer_of_another_workspace_in_the_form(as_alice, workspace_b):
    outsider = ContactFactory(workspace=workspace_b)
    response = as_alice.post(
        url("create"),
        {"first_name": "X", "cadence_days": 90, "stage": "new", "introduced_by": outsider.pk},
    )
    assert response.status_code == 404
    assert not Contact.objects.filter(first_name="X").exists()


def test_it_edits_a_contact(as_alice, contact, alice):
    response = as_alice.post(
        url("edit", pk=contact.pk),
        {
            "first_name": "Ada",
            "last_name": "King",
            "emails": "ada@example.test",
            "cadence_days": 180,
            "stage": "promising",
            "owner": alice.pk,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.last_name, contact.stage, contact.cadence_days) == ("King", "promising", 180)


def test_it_shows_the_contact_page_with_timeline_and_chain(as_alice, contact, workspace_a):
    b = ContactFactory(workspace=workspace_a, first_name="Bea", introduced_by=contact)
    c = ContactFactory(workspace=workspace_a, first_name="Cy", introduced_by=b)
    response = as_alice.get(url("detail", pk=c.pk))
    assert response.status_code == 200
    assert [p.pk for p in response.context["chain"]] == [contact.pk, b.pk, c.pk]
    page = as_alice.get(url("detail", pk=b.pk)).text
    assert "Introduced Cy" in page and "Introduced by Ada Lovelace" in page


def test_it_shows_the_stage_changes_on_the_contact_page(as_alice, alice, bob, contact, workspace_a):
    # The page reads them with its other small rows in one statement: the same entries, in the
    # same order and words, as the timeline read through the ORM.
    bob.name = ""
    bob.save(update_fields=["name"])
    now = timezone.now()
    for from_stage, to_stage, by, minutes in [
        ("", "new", None, 30),
        ("new", "engaged", bob, 20),
        ("engaged", "promising", alice, 10),
        ("promising", "engaged", None, 10),
    ]:
        StageChange.objects.create(
            workspace=workspace_a,
            contact=contact,
            from_stage=from_stage,
            to_stage=to_stage,
            changed_by=by,
            changed_at=now - timedelta(minutes=minutes),
        )
    other = ContactFactory(workspace=workspace_a, first_name="Otto")
    StageChange.objects.create(
        workspace=workspace_a, contact=other, to_stage="hired", changed_at=now
    )
    page = as_alice.get(url("detail", pk=contact.pk))
    shown = [(e.at, e.kind, e.title, e.body) for e in page.context["timeline"]]
    assert shown == [(e.at, e.kind, e.title, e.body) for e in timeline_for(contact)]
    stages = [(title, body) for _at, kind, title, body in shown if kind == "stage"]
    assert stages == [
        ("Stage: Promising → Engaged", ""),  # at the same time: the later change first
        ("Stage: Engaged → Promising", "by Alice Admin"),
        ("Stage: New → Engaged", "by bob@example.test"),
        ("Stage: New", ""),
    ]
    assert "Hired" not in page.text


def test_it_archives_restores_and_deletes(as_alice, contact):
    as_alice.post(url("archive", pk=contact.pk))
    contact.refresh_from_db()
    assert contact.archived_at is not None
    listed = as_alice.get(url("list")).context["page"].object_list
    assert contact.pk not in [row.pk for row in listed]
    archived = as_alice.get(url("list"), {"archived": "on"}).context["page"].object_list
    assert [row.pk for row in archived] == [contact.pk]
    as_alice.post(url("restore", pk=contact.pk))
    contact.refresh_from_db()
    assert contact.archived_at is None
    assert as_alice.post(url("delete", pk=contact.pk)).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_it_refuses_get_on_writes(as_alice, contact):
    assert as_alice.get(url("delete", pk=contact.pk)).status_code == 405


def test_it_applies_bulk_actions_to_the_selected_rows(as_alice, workspace_a, contact, bob):
    other = ContactFactory(workspace=workspace_a)
    ids = [contact.pk, other.pk]
    as_alice.post(url("bulk_tag"), {"ids": ids, "tag": "met"})
    as_alice.post(url("bulk_stage"), {"ids": ids, "stage": "nurturing"})
    as_alice.post(url("bulk_owner"), {"ids": ids, "owner": bob.pk})
    for person in (contact, other):
        person.refresh_from_db()
        assert [t.name for t in person.tags.all()] == ["met"]
        assert (person.stage, person.owner) == ("nurturing", bob)
    as_alice.post(url("bulk_archive"), {"ids": ids})
    assert Contact.objects.filter(archived_at__isnull=True).count() == 0


def test_it_answers_404_to_another_workspaces_contact_in_bulk(as_alice, contact, workspace_b):
    outsider = ContactFactory(workspace=workspace_b)
    response = as_alice.post(url("bulk_archive"), {"ids": [contact.pk, outsider.pk]})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.archived_at is None


def test_it_refuses_a_bulk_owner_from_another_workspace(as_alice, contact, charlie):
    as_alice.post(url("bulk_owner"), {"ids": [contact.pk], "owner": charlie.pk})
    contact.refresh_from_db()
    assert contact.owner != charlie


def test_it_leaves_other_workspaces_rows_alone_in_bulk(as_alice, workspace_b):
    outsider = ContactFactory(workspace=workspace_b)
    assert as_alice.post(url("bulk_archive"), {"ids": [outsider.pk]}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.archived_at is None


def test_it_manages_companies(as_alice, workspace_a, contact):
    response = as_alice.post(url("company_create"), {"name": "Babbage & Co"})
    company = Company.objects.get(name="Babbage & Co")
    assert response.status_code == 302
    duplicate = as_alice.post(url("company_create"), {"name": "babbage & co"})
    assert duplicate.status_code == 400
    contact.company = company
    contact.save()
    assert "Ada Lovelace" in as_alice.get(url("company_detail", pk=company.pk)).text
    listing = as_alice.get(url("company_list"))
    assert listing.context["page"].object_list[0].people_count == 1


def test_it_picks_an_introducer_by_search_not_from_a_list_of_everyone(
    as_alice, workspace_a, contact, workspace_b
):
    ContactFactory(workspace=workspace_b, first_name="Ada", last_name="Outsider")
    form_page = as_alice.get(url("create")).text
    assert "Ada Lovelace" not in form_page  # no drop-down of every contact
    found = as_alice.get(url("picker"), {"picker_q": "ada"}).text
    assert f'data-pick-id="{contact.pk}"' in found and "Outsider" not in found
    response = as_alice.post(
        url("create"),
        {"first_name": "Bea", "cadence_days": 90, "stage": "new", "introduced_by": contact.pk},
    )
    assert response.status_code == 302
    bea = Contact.objects.get(first_name="Bea")
    assert bea.introduced_by == contact
    assert "Chosen: Ada Lovelace" in as_alice.get(url("edit", pk=bea.pk)).text


def test_it_renders_filter_choices_escaped_and_selected(as_alice, workspace_a):
    company = CompanyFactory(workspace=workspace_a, name="<b>Evil & Co</b>")
    page = as_alice.get(url("list"), {"company": company.pk}).text
    assert (
        f'<option value="{company.pk}" selected>&lt;b&gt;Evil &amp; Co&lt;/b&gt;</option>' in page
    )
    assert "<b>Evil" not in page


def test_it_gathers_other_apps_entries_on_the_timeline_in_bounded_queries(
    as_alice, contact, workspace_a, alice, django_assert_max_num_queries
):
    from django.utils import timezone

    from followups.models import FollowUp
    from interviews.models import Interview

    def add_history(count):
        for _ in range(count):
            Interview.objects.create(workspace=workspace_a, contact=contact, owner=alice)
            FollowUp.objects.create(
                workspace=workspace_a, contact=contact, kind="advice", due_at=timezone.now()
            )

    add_history(1)
    page = as_alice.get(url("detail", pk=contact.pk)).text
    assert "timeline-interview" in page and "timeline-followup" in page
    as_alice.get(url("detail", pk=contact.pk))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        as_alice.get(url("detail", pk=contact.pk))
    add_history(20)
    with django_assert_max_num_queries(len(few)):
        as_alice.get(url("detail", pk=contact.pk))
