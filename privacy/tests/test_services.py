import json

import pytest

from accounts import audit
from accounts.models import AuditEvent
from contacts import suppression
from contacts.models import Contact, StageChange, Suppression
from followups.models import FollowUp, Reminder
from interviews.models import Assessment, Interview, InterviewQuestion, Note, Objective
from privacy.models import ContactPrivacy
from privacy.services import basis, erasure, records, retention, subject_access
from privacy.tests.factories import database_hits, plant_contact

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def planted(workspace_a, alice):
    return plant_contact(workspace=workspace_a, owner=alice, label="a")


@pytest.fixture
def other(workspace_a, alice):
    return plant_contact(workspace=workspace_a, owner=alice, label="b")


class TestCanary:
    def test_every_planted_string_is_in_the_database_to_begin_with(self, planted):
        _contact, strings = planted
        hits = database_hits(strings)
        assert hits.get("contacts_contact"), hits
        for string in strings:
            assert database_hits([string]), f"{string} was never stored"

    def test_anonymising_leaves_none_of_them_anywhere(self, planted, other, alice):
        contact, strings = planted
        counts_before = _counts(contact)

        erasure.contact_anonymise(contact=contact, actor=alice)

        assert database_hits(strings) == {}
        # The other person is untouched.
        assert all(database_hits([s]) for s in other[1])
        # Rows stay (the reports' counts), text goes.
        contact.refresh_from_db()
        assert contact.first_name == "Anonymised" and contact.emails == []
        assert contact.archived_at is not None
        after = _counts(contact)
        assert after["interviews"] == counts_before["interviews"] == 2
        assert after["notes"] == counts_before["notes"] == 1
        assert after["stage_changes"] == counts_before["stage_changes"]
        assert after["done_followups"] == counts_before["done_followups"] == 1
        assert after["pending_followups"] == 0 and after["pending_reminders"] == 0
        assert after["assessments"] == 0
        assert Interview.objects.filter(contact=contact, status="completed").count() == 1
        assert ContactPrivacy.objects.get(contact=contact).anonymised_at is not None

    def test_erasing_leaves_none_of_them_anywhere_and_suppresses_a_reimport(
        self, planted, other, alice, workspace_a
    ):
        contact, strings = planted
        email, linkedin = contact.emails[0], contact.linkedin_url
        pk = contact.pk

        erasure.contact_erase(contact=contact, actor=alice)

        assert database_hits(strings) == {}
        assert not Contact.objects.filter(pk=pk).exists()
        assert not Interview.objects.filter(contact_id=pk).exists()
        assert not FollowUp.objects.filter(contact_id=pk).exists()
        assert all(database_hits([s]) for s in other[1])
        assert suppression.is_suppressed(workspace_a, email=f"  {email.upper()} ")
        assert suppression.is_suppressed(workspace_a, linkedin_url=linkedin + "/?trk=x")
        assert not suppression.is_suppressed(workspace_a, email=other[0].emails[0])
        assert Suppression.objects.filter(workspace=workspace_a).count() == 3
        event = AuditEvent.objects.get(action="deleted")
        assert (event.object_type, event.object_id, event.actor_id) == (
            "contacts.contact",
            pk,
            alice.pk,
        )

    def test_suppression_is_per_workspace(self, planted, alice, workspace_b):
        contact, _strings = planted
        email = contact.emails[0]
        erasure.contact_erase(contact=contact, actor=alice)
        assert not suppression.is_suppressed(workspace_b, email=email)
        assert not suppression.is_suppressed(workspace_b)


def _counts(contact):
    return {
        "interviews": Interview.objects.filter(contact=contact).count(),
        "notes": Note.objects.filter(interview__contact=contact).count(),
        "stage_changes": StageChange.objects.filter(contact=contact).count(),
        "done_followups": FollowUp.objects.filter(contact=contact, status="done").count(),
        "pending_followups": FollowUp.objects.filter(
            contact=contact, status__in=FollowUp.PENDING_STATUSES
        ).count(),
        "pending_reminders": Reminder.objects.filter(
            followup__contact=contact, state="pending"
        ).count(),
        "assessments": Assessment.objects.filter(interview__contact=contact).count(),
    }


class TestSubjectAccessExport:
    def test_it_holds_every_planted_string_of_the_person_and_none_of_another(self, planted, other):
        contact, strings = planted
        export = subject_access.contact_subject_access_export(contact=contact)
        as_json = json.dumps(export)
        as_csv = subject_access.subject_access_csv(export)
        for string in strings:
            assert string in as_json.lower(), string
            assert string in as_csv.lower(), string
        for string in other[1]:
            assert string not in as_json.lower()
            assert string not in as_csv.lower()

    def test_it_lists_the_records_by_kind(self, planted):
        contact, _strings = planted
        records = subject_access.contact_subject_access_export(contact=contact)["records"]
        assert len(records["interviews.interview"]) == 2
        assert len(records["interviews.note"]) == 1
        assert len(records["interviews.objective"]) == 1
        # The thank-you, the keep-in-touch and the update that was sent.
        assert len(records["followups.followup"]) == 3

    def test_the_csv_does_not_let_a_spreadsheet_run_a_formula(self, workspace_a, alice):
        from contacts.services import contact_create

        contact = contact_create(
            workspace=workspace_a, owner=alice, first_name="=HYPERLINK(1)", summary="@SUM(A1)"
        )
        text = subject_access.subject_access_csv(
            subject_access.contact_subject_access_export(contact=contact)
        )
        assert "'=HYPERLINK(1)" in text and "'@SUM(A1)" in text


class TestClassification:
    def test_every_text_field_tied_to_a_contact_is_classified(self):
        """A new text field on a model tied to contacts must be anonymised or declared kept."""
        unclassified = {}
        for model, _lookup in records.related_models():
            label = model._meta.label_lower
            if label in records.OWN_MODELS:
                continue
            known = records.PERSONAL_FIELDS.get(label, set()) | records.KEPT_FIELDS.get(
                label, set()
            )
            missing = records.text_fields(model) - known
            if missing:
                unclassified[label] = sorted(missing)
        assert unclassified == {}

    def test_the_walk_reaches_the_rows_of_interviews_and_follow_ups(self):
        labels = {m._meta.label_lower for m, _lookup in records.related_models()}
        assert {
            "interviews.note",
            "interviews.objective",
            "interviews.interviewquestion",
            "interviews.assessment",
            "followups.reminder",
        } <= labels


class TestAuditLog:
    def test_it_records_ids_only(self, workspace_a, alice, planted):
        contact, strings = planted
        event = audit.audit_record(workspace=workspace_a, actor=alice, action="viewed", obj=contact)
        assert (event.object_type, event.object_id) == ("contacts.contact", contact.pk)
        values = [str(v) for v in AuditEvent.objects.values_list().get(pk=event.pk)]
        assert not any(s in v.lower() for s in strings for v in values)

    def test_erasing_a_contact_keeps_its_events(self, workspace_a, alice, planted):
        contact, _strings = planted
        audit.audit_record(workspace=workspace_a, actor=alice, action="viewed", obj=contact)
        erasure.contact_erase(contact=contact, actor=alice)
        assert list(
            AuditEvent.objects.filter(object_id=contact.pk).values_list("action", flat=True)
        ) == ["deleted", "viewed"]


class TestLawfulBasisAndNotice:
    def test_consent_needs_a_date_and_legitimate_interest_drops_it(self, workspace_a, alice):
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from contacts.services import contact_create

        contact = contact_create(workspace=workspace_a, owner=alice, first_name="Ann")
        with pytest.raises(ValidationError):
            basis.contact_lawful_basis_set(
                contact=contact, lawful_basis="consent", consent_at=None, actor=alice
            )
        now = timezone.now()
        privacy = basis.contact_lawful_basis_set(
            contact=contact, lawful_basis="consent", consent_at=now, actor=alice
        )
        assert privacy.consent_at == now
        privacy = basis.contact_lawful_basis_set(
            contact=contact, lawful_basis="legitimate_interest", consent_at=now, actor=alice
        )
        assert privacy.consent_at is None
        assert AuditEvent.objects.filter(action="changed", object_id=contact.pk).count() == 2

    def test_the_notice_goes_in_the_first_email_only(self, workspace_a, alice):
        from contacts.services import contact_create

        contact = contact_create(workspace=workspace_a, owner=alice, first_name="Ann")
        assert basis.privacy_footer_for(contact) == ""  # no notice link yet
        retention.retention_policy_update(
            workspace=workspace_a,
            enabled=True,
            months=24,
            privacy_notice_url="https://acme.example/privacy",
        )
        first = basis.privacy_footer_for(contact)
        assert "https://acme.example/privacy" in first
        assert basis.privacy_footer_for(contact) == ""
        assert ContactPrivacy.objects.get(contact=contact).privacy_notice_sent_at

    def test_unmarked_footer_waits_for_the_send(self, workspace_a, alice):
        from contacts.services import contact_create

        contact = contact_create(workspace=workspace_a, owner=alice, first_name="Ann")
        retention.retention_policy_update(
            workspace=workspace_a, enabled=True, months=24, privacy_notice_url="https://a.example/p"
        )
        assert basis.privacy_footer_for(contact, mark_sent=False)
        assert basis.privacy_footer_for(contact, mark_sent=False)
        assert basis.privacy_notice_mark_sent(contact=contact) is True
        assert basis.privacy_notice_mark_sent(contact=contact) is False
        assert basis.privacy_footer_for(contact) == ""


def test_answers_of_bank_questions_go_too(planted):
    contact, _strings = planted
    erasure.contact_anonymise(contact=contact)
    assert not InterviewQuestion.objects.filter(interview__contact=contact).exclude(answer="")
    assert not Objective.objects.filter(interview__contact=contact).exclude(text="")


class TestMergeAndRetentionRows:
    def test_merging_two_contacts_with_privacy_records_and_warnings_works(self, workspace_a, alice):
        from datetime import date

        from django.utils import timezone

        from contacts.merging import contacts_merge
        from contacts.services import contact_create
        from privacy.models import RetentionWarning

        keep = contact_create(workspace=workspace_a, owner=alice, first_name="Keep")
        other = contact_create(workspace=workspace_a, owner=alice, first_name="Other")
        basis.contact_lawful_basis_set(
            contact=keep, lawful_basis="legitimate_interest", consent_at=None, actor=alice
        )
        consent_at = timezone.now()
        basis.contact_lawful_basis_set(
            contact=other, lawful_basis="consent", consent_at=consent_at, actor=alice
        )
        basis.privacy_notice_mark_sent(contact=other)
        for contact in (keep, other):
            RetentionWarning.objects.create(
                workspace=workspace_a, contact=contact, due_on=date(2027, 1, 1)
            )

        contacts_merge(keep=keep, other=other, by=alice)

        privacy = basis.contact_privacy_for(keep)
        assert (privacy.lawful_basis, privacy.consent_at) == ("consent", consent_at)
        assert privacy.privacy_notice_sent_at is not None
        assert ContactPrivacy.objects.filter(contact=keep).count() == 1
        assert RetentionWarning.objects.filter(contact=keep).count() == 2


def test_suppressed_values_answers_for_a_batch_in_one_query(
    planted, workspace_a, alice, django_assert_num_queries
):
    contact, _strings = planted
    email, linkedin = contact.emails[1], contact.linkedin_url
    erasure.contact_erase(contact=contact, actor=alice)
    with django_assert_num_queries(1):
        found = suppression.suppressed_values(
            workspace_a,
            emails=[email.upper(), "someone@example.test", ""],
            linkedin_urls=[linkedin.replace("https://www.", "")],
        )
    assert found == {email.upper(), linkedin.replace("https://www.", "")}
