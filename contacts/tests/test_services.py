from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts import selectors, services
from contacts.models import Contact, StageChange
from contacts.tests.factories import ContactFactory
from contacts.timeline import timeline_for
from followups.models import FollowUp
from followups.services import contact_record_interaction

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_it_creates_a_contact_with_workspace_defaults(workspace_a, alice):
    workspace_a.default_cadence_days = 30
    workspace_a.save()
    contact = services.contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name=" Grace ",
        last_name="Hopper",
        emails="GRACE@navy.test, grace@navy.test; g@home.test",
        linkedin_url="linkedin.com/in/ghopper/?trk=x",
    )
    assert contact.first_name == "Grace"
    assert contact.emails == ["grace@navy.test", "g@home.test"]
    assert contact.linkedin_url == "https://www.linkedin.com/in/ghopper"
    assert contact.cadence_days == 30
    assert contact.stage == Contact.Stage.NEW
    assert StageChange.objects.filter(contact=contact, to_stage="new").exists()


def test_it_leaves_the_pipeline_out_of_personal_workspaces(personal_workspace, alice):
    contact = services.contact_create(
        workspace=personal_workspace, owner=alice, first_name="Mo", stage="engaged"
    )
    assert contact.stage == ""


def test_it_marks_an_introduced_contact_as_a_referral(workspace_a, alice, contact):
    referred = services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Bea", introduced_by=contact
    )
    assert referred.source == Contact.Source.REFERRAL
    kept = services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Cy", introduced_by=contact, source="event"
    )
    assert kept.source == "event"


def test_it_refuses_a_bad_email(workspace_a, alice):
    with pytest.raises(ValidationError):
        services.contact_create(
            workspace=workspace_a, owner=alice, first_name="X", emails="not-an-email"
        )
    assert not Contact.objects.filter(first_name="X").exists()


def test_it_refuses_an_introducer_of_another_workspace(workspace_a, workspace_b, alice):
    outsider = ContactFactory(workspace=workspace_b)
    with pytest.raises(ValidationError):
        services.contact_create(
            workspace=workspace_a, owner=alice, first_name="X", introduced_by=outsider
        )


def test_it_refuses_an_owner_from_outside_the_workspace(workspace_a, charlie):
    with pytest.raises(ValidationError):
        services.contact_create(workspace=workspace_a, owner=charlie, first_name="X")


def test_it_refuses_a_referral_loop(workspace_a, alice, contact):
    b = services.contact_create(
        workspace=workspace_a, owner=alice, first_name="B", introduced_by=contact
    )
    c = services.contact_create(workspace=workspace_a, owner=alice, first_name="C", introduced_by=b)
    with pytest.raises(ValidationError):
        services.contact_update(contact=contact, by=alice, introduced_by=c)


def test_it_walks_the_referral_chain_back_to_its_root(workspace_a, alice, contact):
    b = services.contact_create(
        workspace=workspace_a, owner=alice, first_name="B", introduced_by=contact
    )
    c = services.contact_create(workspace=workspace_a, owner=alice, first_name="C", introduced_by=b)
    assert services.referral_chain(c) == [c, b, contact]
    assert services.referral_chain(contact) == [contact]


def test_it_records_the_latest_interaction_only(contact):
    later = timezone.now() - timedelta(days=1)
    earlier = later - timedelta(days=10)
    contact_record_interaction(contact=contact, at=later)
    contact_record_interaction(contact=contact, at=earlier)
    contact.refresh_from_db()
    assert contact.last_interaction_at == later


def test_it_reschedules_keep_in_touch_after_an_interaction(contact):
    at = timezone.now() - timedelta(days=1)
    contact_record_interaction(contact=contact, at=at)
    followup = FollowUp.objects.get(contact=contact, kind=FollowUp.Kind.KEEP_IN_TOUCH)
    assert followup.due_at == at + timedelta(days=contact.cadence_days)


def test_it_records_stage_changes_on_the_timeline(contact, alice):
    services.contact_update(contact=contact, by=alice, stage="engaged")
    services.contact_update(contact=contact, by=alice, stage="promising")
    kinds = [entry.kind for entry in timeline_for(contact)]
    assert kinds.count("stage") == 2
    entries = timeline_for(contact)
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    assert "Engaged → Promising" in next(e.title for e in entries if e.kind == "stage")


def test_it_shows_referrals_made_and_received_on_the_timeline(workspace_a, alice, contact):
    b = services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Bea", introduced_by=contact
    )
    assert "referral_made" in [e.kind for e in timeline_for(contact)]
    assert "referral_received" in [e.kind for e in timeline_for(b)]


def test_it_finds_people_by_any_word_prefix_and_by_typo(workspace_a, alice, company):
    grace = services.contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name="Grace",
        last_name="Hopper",
        company=company,
        title="Rear admiral",
        summary="Wrote the first compiler",
        tags=services.tags_for_names(workspace=workspace_a, names=["navy"]),
    )
    other = ContactFactory(workspace=workspace_a, first_name="Alan", last_name="Turing")

    def search(term):
        return list(selectors.contact_list(workspace=workspace_a, q=term))

    assert search("gra") == [grace]
    assert search("hoper") == [grace]  # a typo
    assert search("analytical") == [grace]  # company
    assert search("admiral") == [grace]
    assert search("compiler") == [grace]
    assert search("navy") == [grace]
    assert search(grace.emails[0] if grace.emails else "x") in ([grace], [])
    assert search("turing") == [other]


def test_it_finds_a_renamed_company_and_a_new_tag(workspace_a, contact, company, alice):
    services.contact_update(contact=contact, by=alice, company=company)
    services.company_update(company=company, name="Difference Engines")
    assert list(selectors.contact_list(workspace=workspace_a, q="difference")) == [contact]
    services.contacts_bulk_tag(workspace=workspace_a, contact_ids=[contact.pk], tag_name="poet")
    assert list(selectors.contact_list(workspace=workspace_a, q="poet")) == [contact]


def test_it_filters_overdue_keep_in_touch(workspace_a):
    due = ContactFactory(
        workspace=workspace_a, cadence_days=30, last_interaction_at=timezone.now() - timedelta(40)
    )
    ContactFactory(
        workspace=workspace_a, cadence_days=90, last_interaction_at=timezone.now() - timedelta(40)
    )
    assert list(selectors.contact_list(workspace=workspace_a, overdue=True)) == [due]


def test_it_never_searches_another_workspace(workspace_a, workspace_b):
    ContactFactory(workspace=workspace_b, first_name="Zebedee")
    assert not selectors.contact_list(workspace=workspace_a, q="zebedee").exists()


def test_it_changes_stage_in_bulk_with_history(workspace_a, alice, contact):
    other = ContactFactory(workspace=workspace_a, stage="new")
    count = services.contacts_bulk_stage(
        workspace=workspace_a, contact_ids=[contact.pk, other.pk], stage="engaged", by=alice
    )
    assert count == 2
    assert StageChange.objects.filter(to_stage="engaged").count() == 2


def test_it_ignores_other_workspaces_ids_in_bulk(workspace_a, workspace_b):
    outsider = ContactFactory(workspace=workspace_b)
    assert services.contacts_bulk_archive(workspace=workspace_a, contact_ids=[outsider.pk]) == 0
    outsider.refresh_from_db()
    assert outsider.archived_at is None
