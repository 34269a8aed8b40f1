"""The import's bulk writes (contacts.importing.writes) against what one person's create gives,
and the batch guard that notices other writers between batches without counting twice."""

import gc
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from contacts import services
from contacts.importing import jobs, run, writes
from contacts.models import Contact, SearchWord, StageChange
from contacts.tests.factories import ContactFactory


def _row_values(contact: Contact) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_text, search_vector::text FROM contacts_contact WHERE id = %s",
            [contact.pk],
        )
        text, vector = cursor.fetchone()
    return {
        "text": text,
        "vector": vector,
        "stages": list(
            StageChange.objects.filter(contact=contact).values_list("from_stage", "to_stage")
        ),
        "tags": sorted(contact.tags.values_list("name", flat=True)),
        "company": contact.company.name if contact.company else None,
        "emails": contact.emails,
        "fields": [
            getattr(contact, name)
            for name in ("first_name", "last_name", "title", "linkedin_url", "connected_on")
        ],
        "defaults": (contact.stage, contact.cadence_days, contact.owner_id, contact.source),
    }


def test_a_bulk_created_person_is_the_person_contact_create_makes(workspace_a, alice, company):
    tags = services.tags_for_names(workspace=workspace_a, names=["Émigré", "python"])
    emails = ["o'brien+{x}@example.test", "zoe@example.test"]
    values = {
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "title": "Ingénieure",
        "linkedin_url": "https://www.linkedin.com/in/zoe",
        "source": "linkedin",
    }
    one = services.contact_create(
        workspace=workspace_a,
        owner=alice,
        emails=emails,
        company=company,
        tags=tags,
        connected_on="2024-03-01",
        **values,
    )
    one.refresh_from_db()
    Contact.objects.filter(pk=one.pk).update(emails=[], linkedin_url="")  # not a duplicate
    [pk] = writes.people_create_many(
        workspace=workspace_a,
        owner=alice,
        people=[
            {
                **values,
                "emails": emails,
                "company": (company.pk, company.name),
                "tags": [(tag.pk, tag.name) for tag in tags],
                "connected_on": "2024-03-01",
            }
        ],
    )
    Contact.objects.filter(pk=one.pk).update(emails=emails, linkedin_url=values["linkedin_url"])
    bulk, one = Contact.objects.get(pk=pk), Contact.objects.get(pk=one.pk)
    assert _row_values(bulk) == _row_values(one)
    assert bulk.emails == emails
    assert {"ingenieure", "brien", "emigre"} <= set(
        SearchWord.objects.filter(workspace=workspace_a).values_list("word", flat=True)
    )


def test_emails_reach_the_array_as_given(workspace_a, alice):
    odd = ['a"b@x.test', "c\\d@x.test", "e,f}{@x.test", "NULL", ""]
    [pk] = writes.people_create_many(
        workspace=workspace_a, owner=alice, people=[{"first_name": "Odd", "emails": odd}]
    )
    assert Contact.objects.get(pk=pk).emails == odd


def test_every_column_a_new_person_needs_is_written():
    """A NOT NULL column added to Contact must be added to the import's INSERT too."""
    required = {
        field.column
        for field in Contact._meta.concrete_fields
        if not field.null and not field.primary_key
    }
    assert required <= writes.WRITTEN_COLUMNS
    assert {field.column for field in Contact._meta.concrete_fields} >= writes.WRITTEN_COLUMNS


def test_a_filled_in_person_keeps_every_value_the_batch_gave(workspace_a, alice, company):
    """people_fill_many writes each fillable column, the emails and the company."""
    contact = ContactFactory(workspace=workspace_a, first_name="Ada", emails=["ada@x.test"])
    values = {
        "phone": "+44 20 1234",
        "title": "Engineer",
        "location": "London",
        "linkedin_url": "https://www.linkedin.com/in/ada",
        "summary": "Met at a meetup",
        "source": "linkedin",
        "connected_on": date(2024, 3, 1),
    }
    assert set(values) == set(run.FILLABLE)
    for name, value in values.items():
        setattr(contact, name, value)
    contact.emails = [*contact.emails, 'o"dd@x.test']
    contact.company = company
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    writes.people_fill_many(people=[contact], now=now)
    stored = Contact.objects.get(pk=contact.pk)
    assert {name: getattr(stored, name) for name in run.FILLABLE} == values
    assert (stored.emails, stored.company_id, stored.updated_at) == (
        ["ada@x.test", 'o"dd@x.test'],
        company.pk,
        now,
    )


def _file(rows: int) -> bytes:
    return (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(
            f"P{i},Person,https://www.linkedin.com/in/p{i},p{i}@example.test,Acme,Dev,01 Mar 2026\n"
            for i in range(rows)
        )
    ).encode()


def _counting_matchers(monkeypatch) -> list:
    built = []
    real = run.Matcher.__init__

    def counted(self, workspace):
        built.append(1)
        real(self, workspace)

    monkeypatch.setattr(run.Matcher, "__init__", counted)
    return built


def test_the_people_are_indexed_once_when_nobody_else_writes(workspace_a, alice, monkeypatch):
    ContactFactory(workspace=workspace_a, first_name="P3", last_name="Person", emails=[])
    built = _counting_matchers(monkeypatch)
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="c.csv", data=_file(45))
    jobs.import_start(job=job)
    job = run.import_run(job_id=job.pk, batch_size=10)
    assert (job.status, job.created_count, job.updated_count) == ("done", 45, 0)
    assert len(built) == 1  # five batches, one index: each batch knew what the last one wrote


def test_a_person_added_by_someone_else_between_batches_is_not_created_twice(
    workspace_a, alice, monkeypatch
):
    built = _counting_matchers(monkeypatch)
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="c.csv", data=_file(20))
    jobs.import_start(job=job)
    real_apply = run.apply_batch

    def someone_adds_row_15_meanwhile(job, plans, matcher):
        written = real_apply(job, plans, matcher)
        if not Contact.objects.filter(first_name="Someone").exists():
            services.contact_create(
                workspace=workspace_a,
                owner=alice,
                first_name="Someone",
                emails=["p15@example.test"],
            )
        return written

    monkeypatch.setattr(run, "apply_batch", someone_adds_row_15_meanwhile)
    job = run.import_run(job_id=job.pk, batch_size=10)
    assert (job.created_count, job.updated_count) == (19, 1)
    assert (
        Contact.objects.filter(workspace=workspace_a, emails__contains=["p15@example.test"]).count()
        == 1
    )
    assert len(built) == 2


def test_the_collector_pauses_for_a_run_and_resumes_however_it_ends(
    workspace_a, alice, monkeypatch
):
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="c.csv", data=_file(3))
    jobs.import_start(job=job)
    seen = []
    real_apply = run.apply_batch

    def batch_then_fail(job, plans, matcher):
        seen.append(gc.isenabled())
        real_apply(job, plans, matcher)
        raise RuntimeError("the worker's database went away")

    monkeypatch.setattr(run, "apply_batch", batch_then_fail)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        run.import_run(job_id=job.pk)
    assert seen == [False]
    assert gc.isenabled()
