"""Erasure that holds: suppression in every spelling and on every path, uploads scrubbed by
whole rows (even mid-run), the subject-access export, upload retention, the word list."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contacts import services as contact_services
from contacts import suppression
from contacts.importing import jobs, retention, run
from contacts.models import Contact, ImportJob, SearchWord, Suppression
from contacts.normalise import email_key, linkedin_key
from interviews import services as interview_services
from interviews.tests.test_scheduling import _form
from privacy.services import erasure, subject_access

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.UTC)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def erased(workspace_a, alice):
    contact = contact_services.contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name="Quillontria",
        last_name="Zebravolk",
        emails=["quill@example.org"],
        linkedin_url="https://www.linkedin.com/in/quill",
    )
    erasure.contact_erase(contact=contact, actor=alice)
    return contact


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def _import(workspace, user, data, **kwargs):
    job = jobs.import_upload(workspace=workspace, user=user, filename="c.csv", data=data)
    jobs.import_start(job=job)
    return run.import_run(job_id=job.pk, **kwargs)


class TestNormalisedKeys:
    @pytest.mark.parametrize(
        "raw",
        [
            "quill@example.org",
            " QUILL@Example.ORG ",
            "<quill@example.org>",
            '"Quillontria Zebravolk" <quill@example.org>',
            "Quillontria Zebravolk <quill@example.org>",
            "mailto:quill@example.org",
            "mailto:Quill@example.org?subject=hi",
        ],
    )
    def test_every_spelling_of_an_address_is_one_key(self, raw):
        assert email_key(raw) == "quill@example.org"

    @pytest.mark.parametrize(
        "raw",
        [
            "https://www.linkedin.com/in/quill",
            "linkedin.com/in/quill/",
            "http://uk.linkedin.com/in/quill?trk=x",
            "https://www.linkedin.com/in/quill/en",
            "https://www.LinkedIn.com/in/Quill/fr-fr/#about",
        ],
    )
    def test_every_spelling_of_a_profile_is_one_key(self, raw):
        assert linkedin_key(raw) == "https://www.linkedin.com/in/quill"

    @pytest.mark.parametrize(
        "raw", ["", "@", "<<>>", "a@b", "mailto:", "http://[::1", "https://", "\x00", "é" * 500]
    )
    def test_malformed_values_match_nothing_and_never_raise(self, raw, erased, workspace_a):
        assert not suppression.is_suppressed(workspace_a, email=raw, linkedin_url=raw)


class TestKeyedHashes:
    def test_the_table_holds_keyed_hashes_not_bare_sha256(self, erased, workspace_a, settings):
        stored = set(Suppression.objects.values_list("value_hash", flat=True))
        assert hashlib.sha256(b"quill@example.org").hexdigest() not in stored
        assert len(stored) == 2
        settings.SUPPRESSION_KEY = "another key"
        assert not suppression.is_suppressed(workspace_a, email="quill@example.org")

    def test_rows_from_before_the_keys_are_still_matched(self, workspace_a):
        Suppression.objects.create(
            workspace=workspace_a,
            kind="email",
            value_hash=hashlib.sha256(b"old@example.org").hexdigest(),
        )
        assert suppression.is_suppressed(workspace_a, email="<OLD@example.org>")


class TestEveryPathThatCreatesAPerson:
    def test_the_contact_form(self, client, alice, erased):
        client.force_login(alice)
        response = client.post(
            reverse("contacts:create", kwargs={"ws": "acme"}),
            {"first_name": "Q", "emails": "Quill@Example.org", "cadence_days": 90, "stage": "new"},
        )
        assert response.status_code == 400
        assert "erased on request" in response.text
        response = client.post(
            reverse("contacts:create", kwargs={"ws": "acme"}),
            {
                "first_name": "Q",
                "linkedin_url": "linkedin.com/in/quill/en",
                "cadence_days": 90,
                "stage": "new",
            },
        )
        assert response.status_code == 400
        assert not Contact.objects.filter(first_name="Q").exists()

    def test_the_edit_form_cannot_give_the_address_to_someone(self, client, alice, erased):
        other = contact_services.contact_create(
            workspace=erased.workspace, owner=alice, first_name="Other"
        )
        client.force_login(alice)
        response = client.post(
            reverse("contacts:edit", kwargs={"ws": "acme", "pk": other.pk}),
            {"first_name": "Other", "emails": "quill@example.org", "cadence_days": 90},
        )
        assert response.status_code == 400
        other.refresh_from_db()
        assert other.emails == []

    def test_an_interview_with_a_new_contact(self, client, alice, erased):
        client.force_login(alice)
        data = _form(
            None,
            new_contact_first_name="Quillontria",
            new_contact_last_name="Zebravolk",
            new_contact_email="quill@example.org",
        )
        response = client.post(reverse("interviews:create", kwargs={"ws": "acme"}), data)
        assert response.status_code == 400
        assert "erased on request" in response.text
        assert not Contact.objects.filter(first_name="Quillontria").exists()

    def test_people_to_meet_next(self, client, alice, erased, workspace_a):
        host = contact_services.contact_create(workspace=workspace_a, owner=alice, first_name="H")
        interview = interview_services.interview_create(
            workspace=workspace_a, owner=alice, contact=host
        )
        client.force_login(alice)
        response = client.post(
            reverse("interviews:person_add", kwargs={"ws": "acme", "pk": interview.pk}),
            {"first_name": "Quillontria", "email": "QUILL@example.org"},
        )
        assert "erased on request" in response.text
        assert not Contact.objects.filter(first_name="Quillontria").exists()

    def test_a_merge(self, client, alice, workspace_a):
        keep = contact_services.contact_create(workspace=workspace_a, owner=alice, first_name="K")
        other = contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name="O", emails=["o@example.org"]
        )
        Suppression.objects.create(
            workspace=workspace_a,
            kind="email",
            value_hash=hashlib.sha256(b"o@example.org").hexdigest(),
        )
        client.force_login(alice)
        client.post(
            reverse("contacts:merge", kwargs={"ws": "acme"}), {"keep": keep.pk, "other": other.pk}
        )
        assert Contact.objects.filter(pk=other.pk).exists()
        keep.refresh_from_db()
        assert keep.emails == []

    @pytest.mark.parametrize(
        ("email", "url"),
        [
            ("<QUILL@example.org>", ""),
            ('"Quillontria Zebravolk" <quill@example.org>', ""),
            ("mailto:quill@example.org", ""),
            ("", "https://www.linkedin.com/in/quill/en"),
            ("", "https://uk.linkedin.com/in/quill/?trk=people"),
            ("not-an-address quill@example.org", ""),
        ],
    )
    def test_imports_in_any_spelling(self, erased, workspace_a, alice, email, url):
        job = _import(workspace_a, alice, _csv(f'Quillontria,Zebravolk,{url},"{email}",Acme,Dev,x'))
        assert not Contact.objects.filter(first_name="Quillontria").exists()
        assert (job.created_count, job.skipped_count, job.errors) == (0, 1, [])

    def test_a_vcard_import_in_any_case(self, erased, workspace_a, alice):
        card = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Q Z\r\n"
            "EMAIL:mailto:QUILL@EXAMPLE.ORG\r\nEND:VCARD\r\n"
        )
        job = jobs.import_upload(
            workspace=workspace_a, user=alice, filename="q.vcf", data=card.encode()
        )
        jobs.import_start(job=job)
        job = run.import_run(job_id=job.pk)
        assert job.skipped_count == 1 and not Contact.objects.filter(first_name="Q").exists()


class TestErasureWhileAnImportRuns:
    @pytest.mark.parametrize("position", [0, 1])
    def test_the_import_does_not_bring_them_back(self, workspace_a, alice, monkeypatch, position):
        person = contact_services.contact_create(
            workspace=workspace_a,
            owner=alice,
            first_name="Quillontria",
            last_name="Zebravolk",
            emails=["quill@example.org"],
        )
        rows = ["Ada,One,,ada@example.org,A,B,x", "Bea,Two,,bea@example.org,A,B,x"]
        rows.insert(position, "Quillontria,Zebravolk,,quill@example.org,A,B,x")
        real_lock = run.workspace_people_lock
        calls = []

        def erase_before_the_second_batch(workspace_id):
            calls.append(workspace_id)
            if len(calls) == 2:  # the first batch is committed, the second not begun
                erasure.contact_erase(contact=person, actor=alice)
            real_lock(workspace_id)

        monkeypatch.setattr(run, "workspace_people_lock", erase_before_the_second_batch)
        job = _import(workspace_a, alice, _csv(*rows), batch_size=1)
        assert not Contact.objects.filter(first_name="Quillontria").exists()
        names = set(Contact.objects.values_list("first_name", flat=True))
        assert names == {"Ada", "Bea"}
        assert (job.status, job.processed_rows, job.total_rows) == ("done", 2, 2)

    def test_two_erasures_of_one_person_leave_one_suppression(self, workspace_a, alice):
        person = contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name="Q", emails=["q@example.org"]
        )
        stale = Contact.objects.get(pk=person.pk)
        erasure.contact_erase(contact=person, actor=alice)
        erasure.contact_erase(contact=stale, actor=alice)
        assert Suppression.objects.count() == 1


class TestScrubbing:
    def test_only_the_person_s_rows_go_and_others_keep_a_shared_phone(self, workspace_a, alice):
        person = contact_services.contact_create(
            workspace=workspace_a,
            owner=alice,
            first_name="Quillontria",
            last_name="Zebravolk",
            phone="+44 20 7946 0999",
        )
        data = (
            b"First name,Last name,Phone\n"
            b"Quillontria,Zebravolk,+44 20 7946 0999\nOther,Person,+44 20 7946 0999\n"
        )
        job = jobs.import_upload(workspace=workspace_a, user=alice, filename="x.csv", data=data)
        erasure.contact_erase(contact=person, actor=alice)
        job.refresh_from_db()
        assert "Quillontria" not in job.text
        assert "Other,Person,+44 20 7946 0999" in job.text
        assert job.total_rows == 1

    def test_a_word_another_contact_uses_stays_in_the_word_list(self, workspace_a, alice):
        person = contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name="Quillontria", last_name="Smith"
        )
        contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name="Ann", last_name="Smith"
        )
        erasure.contact_erase(contact=person, actor=alice)
        words = set(SearchWord.objects.values_list("word", flat=True))
        assert "smith" in words and "quillontria" not in words


class TestSubjectAccess:
    def test_the_export_holds_the_person_s_import_rows_and_no_one_else_s(self, workspace_a, alice):
        person = contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name="Quill", emails=["quill@example.org"]
        )
        jobs.import_upload(
            workspace=workspace_a,
            user=alice,
            filename="c.csv",
            data=_csv(
                "Quill,,,QUILL@example.org,Acme,Ceo,x", "Other,Person,,o@example.org,Acme,Dev,x"
            ),
        )
        export = subject_access.contact_subject_access_export(contact=person)
        rows = export["records"]["contacts.importjob"]
        assert [(r["row"], r["values"]["title"]) for r in rows] == [(1, "Ceo")]
        assert "o@example.org" not in subject_access.subject_access_csv(export)


class TestUploadRetention:
    def test_a_finished_import_keeps_no_text(self, workspace_a, alice):
        job = _import(workspace_a, alice, _csv("Ada,One,,ada@example.org,A,B,x"))
        assert (job.status, job.text, job.created_count) == ("done", "", 1)

    def test_previews_expire_after_a_day_and_jobs_after_the_retention(
        self, workspace_a, alice, settings
    ):
        settings.IMPORT_RETENTION_DAYS = 7
        preview = jobs.import_upload(
            workspace=workspace_a, user=alice, filename="p.csv", data=_csv("A,B,,,,,")
        )
        done = _import(workspace_a, alice, _csv("Ada,One,,ada@example.org,A,B,x"))
        assert retention.imports_purge(now=timezone.now() + timedelta(hours=23)) == 0
        assert retention.imports_purge(now=timezone.now() + timedelta(hours=25)) == 1
        assert not ImportJob.objects.filter(pk=preview.pk).exists()
        assert retention.imports_purge(now=timezone.now() + timedelta(days=6)) == 0
        assert retention.imports_purge(now=timezone.now() + timedelta(days=8)) == 1
        assert not ImportJob.objects.filter(pk=done.pk).exists()


def test_the_django_admin_s_bulk_delete_is_an_erasure(client, alice, workspace_a):
    people = [
        contact_services.contact_create(
            workspace=workspace_a, owner=alice, first_name=name, emails=[f"{name}@example.org"]
        )
        for name in ("quill", "zebra")
    ]
    alice.is_staff = alice.is_superuser = True
    alice.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(alice)
    response = client.post(
        reverse("admin:contacts_contact_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in people], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Contact.objects.filter(pk__in=[p.pk for p in people]).exists()
    assert suppression.is_suppressed(workspace_a, email="QUILL@example.org")
    assert suppression.is_suppressed(workspace_a, email="zebra@example.org")
    assert not SearchWord.objects.filter(word__in=["quill", "zebra"]).exists()


def test_an_import_whose_every_card_was_erased_finishes_empty(workspace_a, alice):
    person = contact_services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Q", emails=["q@example.org"]
    )
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Q\r\nEMAIL:q@example.org\r\nEND:VCARD\r\n"
    job = jobs.import_upload(
        workspace=workspace_a, user=alice, filename="q.vcf", data=card.encode()
    )
    jobs.import_start(job=job)
    erasure.contact_erase(contact=person, actor=alice)
    job = run.import_run(job_id=job.pk)
    assert (job.status, job.total_rows, job.created_count) == ("done", 0, 0)


def test_another_person_s_row_in_error_stays_when_it_shares_a_name_word(workspace_a, alice):
    person = contact_services.contact_create(
        workspace=workspace_a, owner=alice, first_name="Ann", last_name="Lee"
    )
    job = ImportJob.objects.create(
        workspace=workspace_a,
        filename="x.csv",
        kind="csv",
        text="",
        status="done",
        errors=[
            {"row": 1, "message": "Bad email address.", "values": {"first_name": "Ashlee"}},
            {
                "row": 2,
                "message": "Bad email address.",
                "values": {"first_name": "Ann", "last_name": "Lee"},
            },
        ],
    )
    erasure.contact_erase(contact=person, actor=alice)
    job.refresh_from_db()
    assert [e["row"] for e in job.errors] == [1]
