"""Export (and its round trip back through the import), duplicates and merge."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import merging, selectors, services
from contacts.importing import jobs, run
from contacts.models import Contact, StageChange
from contacts.tests.factories import CompanyFactory, ContactFactory
from followups.models import FollowUp
from interviews.models import Interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


def export(client, name, **params):
    response = client.get(reverse(f"contacts:{name}", kwargs={"ws": "acme"}), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _people(workspace):
    return sorted(
        (
            c.first_name,
            c.last_name,
            tuple(c.emails),
            c.phone,
            c.title,
            c.company.name if c.company else "",
            c.location,
            c.linkedin_url,
            c.summary,
            tuple(sorted(t.name for t in c.tags.all())),
        )
        for c in Contact.objects.filter(workspace=workspace)
    )


def _make_people(workspace, alice):
    tags = services.tags_for_names(workspace=workspace, names=["alumni", "Data science"])
    services.contact_create(
        workspace=workspace,
        owner=alice,
        first_name="Ada",
        last_name="Lovelace",
        emails=["ada@engines.test", "countess@home.test"],
        phone="+44 20 7946 0000",
        title='=HYPERLINK("http://evil.test")',
        company=services.company_for_name(workspace=workspace, name="Analytical; Engines"),
        location="London, UK",
        linkedin_url="https://www.linkedin.com/in/ada",
        summary="Wrote the first program,\nthen poetry.",
        tags=tags,
    )
    services.contact_create(
        workspace=workspace, owner=alice, first_name="Zoë", last_name="Brontë", summary="@home"
    )


def test_it_escapes_cells_that_spreadsheets_would_run(client, alice, workspace_a):
    _make_people(workspace_a, alice)
    client.force_login(alice)
    text = export(client, "export_csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'+44 20 7946 0000" in text
    assert "'@home" in text
    assert '"=HYPERLINK' not in text


def test_it_exports_the_filtered_list_only(client, alice, workspace_a, contact):
    ContactFactory(workspace=workspace_a, first_name="Zed", last_name="Other")
    client.force_login(alice)
    text = export(client, "export_csv", q="lovelace").decode("utf-8-sig")
    assert "Lovelace" in text and "Zed" not in text
    cards = export(client, "export_vcard", q="other").decode()
    assert cards.count("BEGIN:VCARD") == 1 and "FN:Zed Other" in cards


def test_it_round_trips_csv_and_vcard_exports(client, alice, workspace_a, workspace_b, charlie):
    _make_people(workspace_a, alice)
    client.force_login(alice)
    for name, filename in (("export_csv", "export.csv"), ("export_vcard", "export.vcf")):
        data = export(client, name)
        Contact.objects.filter(workspace=workspace_b).delete()
        job = jobs.import_upload(workspace=workspace_b, user=charlie, filename=filename, data=data)
        jobs.import_start(job=job)
        job = run.import_run(job_id=job.pk)
        assert (job.created_count, job.error_count) == (2, 0), job.errors
        assert _people(workspace_b) == _people(workspace_a), name


def test_it_lists_likely_duplicates(workspace_a, workspace_b):
    engines = CompanyFactory(workspace=workspace_a, name="Engines")
    a = ContactFactory(workspace=workspace_a, emails=["same@example.test"])
    b = ContactFactory(workspace=workspace_a, emails=["other@x.test", "same@example.test"])
    c = ContactFactory(workspace=workspace_a, linkedin_url="https://www.linkedin.com/in/c")
    d = ContactFactory(workspace=workspace_a, linkedin_url="https://www.linkedin.com/in/c")
    e = ContactFactory(
        workspace=workspace_a, first_name="Jonathan", last_name="Smith", company=engines
    )
    f = ContactFactory(
        workspace=workspace_a, first_name="Jonathon", last_name="Smith", company=engines
    )
    ContactFactory(workspace=workspace_a, first_name="Mary", last_name="Jones", company=engines)
    ContactFactory(workspace=workspace_b, emails=["same@example.test"])
    pairs = {
        (x.pk, y.pk): reasons for x, y, reasons in selectors.duplicate_pairs(workspace=workspace_a)
    }
    assert pairs == {
        (a.pk, b.pk): ["email"],
        (c.pk, d.pk): ["linkedin"],
        (e.pk, f.pk): ["name"],
    }


def test_it_merges_keeping_everything_of_both(client, alice, workspace_a):
    keep = ContactFactory(workspace=workspace_a, first_name="Ada", emails=["a@x.test"], phone="")
    other = ContactFactory(
        workspace=workspace_a,
        first_name="Ada",
        emails=["a@x.test", "b@x.test"],
        phone="123",
        last_interaction_at=timezone.now() - timedelta(days=3),
    )
    introducer = ContactFactory(workspace=workspace_a)
    other.introduced_by = introducer
    other.save()
    referred = ContactFactory(workspace=workspace_a, introduced_by=other)
    services.contacts_bulk_tag(workspace=workspace_a, contact_ids=[other.pk], tag_name="met")
    services.contacts_bulk_tag(
        workspace=workspace_a, contact_ids=[keep.pk, other.pk], tag_name="both"
    )
    services.contact_update(contact=other, by=alice, stage="engaged")
    Interview.objects.create(workspace=workspace_a, contact=other, owner=alice)
    Interview.objects.create(workspace=workspace_a, contact=keep, owner=alice)
    FollowUp.objects.create(
        workspace=workspace_a, contact=other, kind="advice", due_at=timezone.now()
    )
    client.force_login(alice)
    response = client.post(
        reverse("contacts:merge", kwargs={"ws": "acme"}), {"keep": keep.pk, "other": other.pk}
    )
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=other.pk).exists()
    keep.refresh_from_db()
    assert keep.emails == ["a@x.test", "b@x.test"]
    assert keep.phone == "123"
    assert keep.introduced_by == introducer
    assert keep.last_interaction_at == other.last_interaction_at
    assert sorted(t.name for t in keep.tags.all()) == ["both", "met"]
    assert Interview.objects.filter(contact=keep).count() == 2
    assert FollowUp.objects.filter(contact=keep, kind="advice").count() == 1
    assert StageChange.objects.filter(contact=keep, to_stage="engaged").exists()
    referred.refresh_from_db()
    assert referred.introduced_by == keep


def test_it_answers_404_when_merging_with_another_workspaces_contact(
    client, alice, contact, workspace_b
):
    outsider = ContactFactory(workspace=workspace_b)
    client.force_login(alice)
    response = client.post(
        reverse("contacts:merge", kwargs={"ws": "acme"}), {"keep": contact.pk, "other": outsider.pk}
    )
    assert response.status_code == 404
    assert Contact.objects.filter(pk=outsider.pk).exists()


def test_it_merges_rows_that_must_stay_unique_per_contact(workspace_a, alice):
    shortlists = pytest.importorskip("reports.models")
    keep = ContactFactory(workspace=workspace_a)
    other = ContactFactory(workspace=workspace_a)
    both = shortlists.Opening.objects.create(workspace=workspace_a, title="Data lead")
    only_other = shortlists.Opening.objects.create(workspace=workspace_a, title="SRE")
    for opening, contact in ((both, keep), (both, other), (only_other, other)):
        shortlists.ShortlistEntry.objects.create(
            workspace=workspace_a, opening=opening, contact=contact
        )
    merging.contacts_merge(keep=keep, other=other, by=alice)
    entries = shortlists.ShortlistEntry.objects.filter(contact=keep)
    assert sorted(e.opening.title for e in entries) == ["Data lead", "SRE"]


def _merge_pair(workspace, alice):
    keep = ContactFactory(
        workspace=workspace, first_name="Ada", last_name="King", emails=["a@x.test"], phone=""
    )
    other = ContactFactory(
        workspace=workspace, first_name="Ada L.", last_name="King", emails=["b@x.test"],
        phone="123", title="CTO",
    )  # fmt: skip
    referred = ContactFactory(workspace=workspace, introduced_by=other)
    services.contacts_bulk_tag(workspace=workspace, contact_ids=[other.pk], tag_name="met")
    services.contacts_bulk_tag(workspace=workspace, contact_ids=[keep.pk, other.pk], tag_name="x")
    interview = Interview.objects.create(workspace=workspace, contact=other, owner=alice)
    followup = FollowUp.objects.create(
        workspace=workspace, contact=other, kind="advice", due_at=timezone.now()
    )
    return keep, other, referred, interview, followup


def test_merging_asks_first_and_shows_both_people(client, alice, workspace_a):
    keep, other, *_rest = _merge_pair(workspace_a, alice)
    client.force_login(alice)
    page = client.get(
        reverse("contacts:merge", kwargs={"ws": "acme"}), {"keep": keep.pk, "other": other.pk}
    )
    assert page.status_code == 200
    assert "Merge Ada L. King into Ada King?" in page.content.decode()
    assert Contact.objects.filter(pk=other.pk).exists(), "a GET never merges"


def test_a_merge_can_be_undone_within_the_hour(client, alice, workspace_a):
    keep, other, referred, interview, followup = _merge_pair(workspace_a, alice)
    client.force_login(alice)
    merge_url = reverse("contacts:merge", kwargs={"ws": "acme"})
    client.post(merge_url, {"keep": keep.pk, "other": other.pk})
    page = client.get(keep.get_absolute_url()).content.decode()
    assert "Ada L. King was merged into this contact." in page
    undo = merging.merge_undo_for(keep=keep)

    response = client.post(reverse("contacts:merge_undo", kwargs={"ws": "acme", "pk": undo.pk}))
    assert response.status_code == 302
    back = Contact.objects.get(pk=other.pk)
    keep.refresh_from_db()
    assert (back.first_name, back.emails, back.phone, back.title) == (
        "Ada L.", ["b@x.test"], "123", "CTO",
    )  # fmt: skip
    assert (keep.emails, keep.phone) == (["a@x.test"], "")
    assert sorted(t.name for t in back.tags.all()) == ["met", "x"]
    assert sorted(t.name for t in keep.tags.all()) == ["x"]
    interview.refresh_from_db()
    followup.refresh_from_db()
    referred.refresh_from_db()
    assert (interview.contact_id, followup.contact_id) == (other.pk, other.pk)
    assert referred.introduced_by_id == other.pk
    assert "was merged into this contact" not in client.get(keep.get_absolute_url()).text


def test_an_undo_past_the_hour_or_of_another_workspace_is_refused(
    client, alice, charlie, workspace_a
):
    keep, other, *_rest = _merge_pair(workspace_a, alice)
    merging.contacts_merge(keep=keep, other=other, by=alice)
    undo = merging.merge_undo_for(keep=keep)
    url = reverse("contacts:merge_undo", kwargs={"ws": "acme", "pk": undo.pk})
    client.force_login(charlie)
    assert (
        client.post(
            reverse("contacts:merge_undo", kwargs={"ws": "bravo", "pk": undo.pk})
        ).status_code
        == 404
    )
    client.force_login(alice)
    type(undo).objects.filter(pk=undo.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client.post(url)
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert merging.merge_undos_purge() == 1


def test_erasing_the_kept_person_takes_the_merge_snapshot_with_them(workspace_a, alice):
    from contacts.erasure import contact_erase
    from contacts.models import MergeUndo

    keep, other, *_rest = _merge_pair(workspace_a, alice)
    merging.contacts_merge(keep=keep, other=other, by=alice)
    assert MergeUndo.objects.filter(keep=keep).exists()
    contact_erase(contact=keep, actor=alice)
    assert not MergeUndo.objects.exists()
