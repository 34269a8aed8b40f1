"""Imports from real files made here, through the services and the pages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts import selectors
from contacts.importing import files, jobs, run
from contacts.models import Contact, ImportJob
from contacts.tests.factories import ContactFactory

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@engines.test,Analytical Engines,"
    "Programmer,01 Mar 2024\n"
    "Charles,Babbage,https://www.linkedin.com/in/cbabbage,,Analytical Engines,Inventor,"
    "02 Mar 2024\n"
    'Grace,Hopper,https://www.linkedin.com/in/grace,,"US Navy, Research",Rear admiral,'
    "03 Mar 2024\n"
)

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Turing;Alan;;;\r\nFN:Alan Turing\r\n"
    "EMAIL;TYPE=INTERNET:alan@bletchley.test\r\nEMAIL;TYPE=INTERNET:at@manchester.test\r\n"
    "TEL;TYPE=CELL:+44 20 7946 0000\r\nORG:Bletchley Park;Hut 8\r\nTITLE:Cryptanalyst\r\n"
    "ADR;TYPE=WORK:;;;Bletchley;Buckinghamshire;;UK\r\n"
    "NOTE:Broke Enigma\\, then built comp\r\n uters.\\nLoves running.\r\n"
    "CATEGORIES:maths,war effort\r\nURL:https://www.linkedin.com/in/turing\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Joan Clarke\r\nN:Clarke;Joan;;;\r\n"
    'EMAIL;TYPE="work":joan@bletchley.test\r\nTEL;VALUE=uri:tel:+44-20-7946-0001\r\n'
    "ORG:Bletchley Park\r\nEND:VCARD\r\n"
)


def upload(workspace, user, data, filename="file.csv"):
    return jobs.import_upload(workspace=workspace, user=user, filename=filename, data=data)


def run_job(job, **kwargs):
    jobs.import_start(job=job)
    return run.import_run(job_id=job.pk, **kwargs)


def people(workspace):
    return {
        (c.first_name, c.last_name): c
        for c in Contact.objects.filter(workspace=workspace).select_related("company")
    }


def test_it_imports_linkedin_connections_after_its_notes(workspace_a, alice):
    job = upload(workspace_a, alice, LINKEDIN.encode(), "Connections.csv")
    assert job.kind == ImportJob.Kind.LINKEDIN
    assert job.total_rows == 3
    job = run_job(job)
    assert (job.status, job.created_count, job.error_count) == ("done", 3, 0)
    found = people(workspace_a)
    ada = found["Ada", "Lovelace"]
    assert ada.emails == ["ada@engines.test"]
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada"
    assert (ada.company.name, ada.title, ada.source) == (
        "Analytical Engines",
        "Programmer",
        "linkedin",
    )
    assert found["Charles", "Babbage"].company == ada.company
    assert found["Grace", "Hopper"].company.name == "US Navy, Research"
    assert ada.stage == "new" and ada.owner == alice
    # When the connection began is kept (LinkedIn's "Connected On").
    assert found["Grace", "Hopper"].connected_on == date(2024, 3, 3)
    for term in ("lovelace", "engines programmer", "lovelase"):  # the last one a typo
        assert list(selectors.contact_list(workspace=workspace_a, q=term)) == [ada], term


def test_it_creates_nothing_new_when_the_same_file_comes_twice(workspace_a, alice):
    run_job(upload(workspace_a, alice, LINKEDIN.encode()))
    again = upload(workspace_a, alice, LINKEDIN.encode())
    preview = run.preview(again, files.read_records(again))
    assert preview["counts"] == {"create": 0, "update": 0, "skip": 3, "error": 0}
    again = run_job(again)
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert Contact.objects.filter(workspace=workspace_a).count() == 3


def test_it_fills_the_blanks_of_a_matching_contact(workspace_a, alice):
    existing = ContactFactory(
        workspace=workspace_a, first_name="Ada", last_name="Lovelace", emails=["ada@engines.test"]
    )
    job = run_job(upload(workspace_a, alice, LINKEDIN.encode()))
    assert (job.created_count, job.updated_count) == (2, 1)
    existing.refresh_from_db()
    assert existing.title == "Programmer"
    assert existing.linkedin_url == "https://www.linkedin.com/in/ada"


def test_it_matches_by_name_with_company(workspace_a, alice, company):
    ContactFactory(
        workspace=workspace_a,
        first_name="Charles",
        last_name="Babbage",
        emails=[],
        company=company,
        title="Inventor",
        linkedin_url="https://www.linkedin.com/in/cbabbage",
    )
    job = run_job(upload(workspace_a, alice, LINKEDIN.encode()))
    assert job.created_count == 2
    assert Contact.objects.filter(first_name="Charles").count() == 1


def test_it_imports_many_vcards_of_versions_3_and_4(workspace_a, alice):
    job = upload(workspace_a, alice, VCARDS.encode(), "people.vcf")
    assert (job.kind, job.total_rows) == ("vcard", 2)
    run_job(job)
    found = people(workspace_a)
    alan = found["Alan", "Turing"]
    assert alan.emails == ["alan@bletchley.test", "at@manchester.test"]
    assert alan.phone == "+44 20 7946 0000"
    assert (alan.company.name, alan.title) == ("Bletchley Park", "Cryptanalyst")
    assert alan.location == "Bletchley, Buckinghamshire, UK"
    assert alan.summary == "Broke Enigma, then built computers.\nLoves running."
    assert sorted(t.name for t in alan.tags.all()) == ["maths", "war effort"]
    assert alan.linkedin_url == "https://www.linkedin.com/in/turing"
    joan = found["Joan", "Clarke"]
    assert (joan.emails, joan.phone) == (["joan@bletchley.test"], "+44-20-7946-0001")


def test_it_imports_any_csv_through_the_mapping_step(client, alice, workspace_a):
    client.force_login(alice)
    data = (
        "Nom complet;Courriel;Employeur;Notes perso\nMarie Curie;marie@sorbonne.test;Sorbonne;x\n"
    )
    response = client.post(
        reverse("contacts:import_upload", kwargs={"ws": "acme"}),
        {"file": SimpleUploadedFile("contacts.csv", data.encode())},
    )
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert "Map a column" in page.text  # nothing recognised the name column
    client.post(
        reverse("contacts:import_mapping", kwargs={"ws": "acme", "pk": job.pk}),
        {"col_0": "full_name", "col_1": "emails", "col_2": "company", "col_3": ""},
    )
    page = client.get(job.get_absolute_url())
    assert page.context["preview"]["counts"]["create"] == 1
    client.post(reverse("contacts:import_confirm", kwargs={"ws": "acme", "pk": job.pk}))
    job.refresh_from_db()
    assert job.status == "queued"
    run.import_run(job_id=job.pk)
    marie = Contact.objects.get(first_name="Marie")
    assert (marie.last_name, marie.emails, marie.company.name) == (
        "Curie",
        ["marie@sorbonne.test"],
        "Sorbonne",
    )


def test_it_guesses_common_column_names(workspace_a, alice):
    data = (
        b"First name,Last name,E-mail,Organisation,Job title,Tags\n"
        b"Ada,King,a@k.test,Engines,Poet,x;y\n"
    )
    job = run_job(upload(workspace_a, alice, data))
    ada = Contact.objects.get(first_name="Ada")
    assert (ada.emails, ada.company.name, ada.title) == (["a@k.test"], "Engines", "Poet")
    assert job.created_count == 1 and ada.tags.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        "First name,Last name\nZoë,Brontë\n".encode("utf-8-sig"),
        "First name,Last name\nZoë,Brontë\n".encode("utf-16"),
        "First name,Last name\nZoë,Brontë\n".encode("latin-1"),
        "First name,Last name\nZoë,Brontë\n".encode(),
    ],
    ids=["utf-8-bom", "utf-16", "latin-1", "utf-8"],
)
def test_it_reads_every_common_encoding_without_mojibake(workspace_a, alice, data):
    run_job(upload(workspace_a, alice, data))
    assert list(Contact.objects.values_list("first_name", "last_name")) == [("Zoë", "Brontë")]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"\n\n  \n", "blank.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "photo.csv", "neither CSV nor vCard"),
        (b"Just some words on a line\nand another\n", "notes.txt", "neither CSV nor vCard"),
        (b"First name,Last name\n", "header-only.csv", "no rows"),
        (b"First name,Last name\nAda,L\n", "people.vcf", "neither CSV nor vCard"),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Broken\n", "broken.vcf", "neither CSV nor vCard"),
    ],
)
def test_it_refuses_files_it_cannot_read(workspace_a, alice, data, filename, message):
    with pytest.raises(jobs.ImportRefused, match=message):
        upload(workspace_a, alice, data, filename)
    assert not ImportJob.objects.exists()


def test_it_refuses_a_csv_without_a_name_column(workspace_a, alice):
    job = upload(workspace_a, alice, b"Email,Phone\na@b.test,1\n")
    with pytest.raises(jobs.ImportRefused, match="every contact needs a name"):
        jobs.import_start(job=job)
    assert job.status == "preview"


def test_it_refuses_a_file_over_the_size_limit(client, alice, settings):
    settings.CONTACTS_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(alice)
    data = b"First name,Last name\n" + b"Ada,Lovelace\n" * 90_000
    response = client.post(
        reverse("contacts:import_upload", kwargs={"ws": "acme"}),
        {"file": SimpleUploadedFile("big.csv", data)},
    )
    assert response.status_code == 400
    assert "larger than 1 MB" in response.text
    assert not ImportJob.objects.exists()


def test_it_refuses_more_than_20000_rows(workspace_a, alice):
    data = b"First name,Last name\n" + b"A,B\n" * 20_001
    with pytest.raises(jobs.ImportRefused, match="at most 20000"):
        upload(workspace_a, alice, data)


def test_it_reports_bad_rows_and_imports_the_good_ones(client, workspace_a, alice):
    data = (
        b"First name,Last name,Email,LinkedIn URL\n"
        b"Good,One,good@example.test,\n"
        b"Bad,Email,not-an-email,\n"
        b"Bad,Url,,http://exa mple.com/in/x\n"
        b",,,\n"
        b",,nobody@example.test,\n"
        b"Good,Two,,https://linkedin.com/in/two/\n"
    )
    job = run_job(upload(workspace_a, alice, data))
    assert (job.created_count, job.error_count) == (2, 3)
    assert [e["row"] for e in job.errors] == [2, 3, 4]
    client.force_login(alice)
    report = client.get(reverse("contacts:import_errors", kwargs={"ws": "acme", "pk": job.pk}))
    assert report["Content-Type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert "Bad email address" in text and "Bad LinkedIn URL" in text and "no name" in text


def test_it_survives_a_worker_killed_mid_import_and_finishes_when_run_again(
    workspace_a, alice, monkeypatch
):
    data = b"First name,Last name,Email\n" + b"".join(
        f"P{i},Person,p{i}@example.test\n".encode() for i in range(25)
    )
    job = upload(workspace_a, alice, data)
    jobs.import_start(job=job)
    real_apply = run.apply_batch
    calls = []

    def dies_in_the_second_batch(job, plans, matcher):
        calls.append(1)
        written = real_apply(job, plans, matcher)
        if len(calls) == 2:
            raise SystemExit("worker killed")  # after writing, before the batch commits
        return written

    monkeypatch.setattr(run, "apply_batch", dies_in_the_second_batch)
    with pytest.raises(SystemExit):
        run.import_run(job_id=job.pk, batch_size=10)
    job.refresh_from_db()
    assert job.processed_rows == 10
    assert Contact.objects.count() == 10  # the second batch left nothing behind
    monkeypatch.setattr(run, "apply_batch", real_apply)
    job = run.import_run(job_id=job.pk, batch_size=10)
    assert (job.status, job.created_count, job.processed_rows) == ("done", 25, 25)
    assert Contact.objects.count() == 25


def test_it_shows_progress_then_the_summary(client, workspace_a, alice):
    client.force_login(alice)
    job = upload(workspace_a, alice, LINKEDIN.encode())
    jobs.import_start(job=job)
    url = reverse("contacts:import_progress", kwargs={"ws": "acme", "pk": job.pk})
    polling = client.get(url, headers={"HX-Request": "true"})
    assert 'data-hx-trigger="every 1s"' in polling.text and "<html" not in polling.text
    run.import_run(job_id=job.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert "every 1s" not in done.text
    assert 'value="100"' in done.text


def test_it_never_reimports_someone_erased_on_request(workspace_a, alice):
    privacy = pytest.importorskip("privacy.services.erasure")
    run_job(upload(workspace_a, alice, LINKEDIN.encode()))
    ada = Contact.objects.get(first_name="Ada")
    privacy.contact_erase(contact=ada, actor=alice)
    again = upload(workspace_a, alice, LINKEDIN.encode())
    preview = run.preview(again, files.read_records(again))
    assert preview["counts"]["create"] == 0
    again = run_job(again)
    assert (again.created_count, again.skipped_count, again.errors) == (0, 3, [])
    assert not Contact.objects.filter(first_name="Ada").exists()


@pytest.mark.parametrize(
    ("written", "read"),
    [("26 Nov 2024", date(2024, 11, 26)), ("2024-11-26", date(2024, 11, 26)),
     ("26/11/2024", date(2024, 11, 26)), ("someday", None), ("", None), ("31 Feb 2024", None)],
)  # fmt: skip
def test_a_connection_date_is_read_or_left_out_never_a_failed_row(written, read):
    assert run.parse_connected_on(written) == read
