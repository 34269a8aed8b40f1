"""Hostile input on the contacts pages: a clear answer, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.tests.factories import CompanyFactory, ContactFactory

NASTY_TERMS = ["%", "\\", "''''", "%%", "\u202e", "a\x00b", "\x00", "_", "'", "&|!:*()"]


@pytest.mark.parametrize("term", NASTY_TERMS)
def test_it_searches_companies_for_any_text(client, alice, workspace_a, term):
    CompanyFactory(workspace=workspace_a, name="100% Pure")
    client.force_login(alice)
    response = client.get(reverse("contacts:company_list", kwargs={"ws": "acme"}), {"q": term})
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("term", NASTY_TERMS)
def test_it_searches_the_picker_for_any_text(client, alice, workspace_a, term):
    ContactFactory(workspace=workspace_a, first_name="Ada", last_name="Lovelace")
    client.force_login(alice)
    url = reverse("contacts:picker", kwargs={"ws": "acme"})
    assert client.get(url, {"picker_q": term}).status_code in {200, 400}
    url = reverse("contacts:list", kwargs={"ws": "acme"})
    assert client.get(url, {"q": term}).status_code in {200, 400}


def test_it_finds_a_company_by_a_percent_sign(client, alice, workspace_a):
    CompanyFactory(workspace=workspace_a, name="100% Pure")
    CompanyFactory(workspace=workspace_a, name="Plain")
    client.force_login(alice)
    response = client.get(reverse("contacts:company_list", kwargs={"ws": "acme"}), {"q": "%"})
    assert b"100% Pure" in response.content
    assert b"Plain" not in response.content


# --- imports ----------------------------------------------------------------------------------


def _upload_page(client, data: bytes, filename="contacts.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("contacts:import_upload", kwargs={"ws": "acme"}),
        {"file": SimpleUploadedFile(filename, data)},
    )


def test_it_refuses_a_file_of_too_many_columns_before_any_preview(client, alice):
    from contacts.models import ImportJob

    client.force_login(alice)
    header = ",".join(f"c{i}" for i in range(100_000))
    response = _upload_page(client, f"Name,{header}\nAda,{header}\n".encode())
    assert response.status_code == 400
    assert "columns" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_refuses_two_columns_of_the_same_name(client, alice):
    from contacts.models import ImportJob

    client.force_login(alice)
    response = _upload_page(client, b"Name,Email,Email\nAda,a@example.test,b@example.test\n")
    assert response.status_code == 400
    assert "same name" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("tags", "expected"),
    [("two  spaces", {"two spaces"}), ("Two Spaces;two spaces", {"Two Spaces"})],
)
def test_it_imports_tags_as_they_will_be_stored(workspace_a, alice, tags, expected):
    from contacts.importing import jobs, run
    from contacts.models import Contact

    data = f"Name,Tags\nAda Lovelace,{tags}\nGrace Hopper,{tags}\n".encode()
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="t.csv", data=data)
    jobs.import_start(job=job)
    job = run.import_run(job_id=job.pk)
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 0)
    for contact in Contact.objects.filter(workspace=workspace_a):
        assert {t.name for t in contact.tags.all()} == expected


def test_a_tag_too_long_is_a_problem_in_the_preview_and_the_import_is_never_half_done(
    client, workspace_a, alice
):
    from contacts.importing import jobs, run
    from contacts.models import Contact

    rows = "".join(f"Person{i} Smith,ok\n" for i in range(30))
    data = f"Name,Tags\n{rows}Bad Row,{'x' * 61}\nLast Person,ok\n".encode()
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="t.csv", data=data)
    client.force_login(alice)
    page = client.get(job.get_absolute_url())
    assert page.context["preview"]["counts"]["error"] == 1
    jobs.import_start(job=job)
    job = run.import_run(job_id=job.pk, batch_size=10)
    assert (job.status, job.created_count, job.error_count) == ("done", 31, 1)
    assert Contact.objects.filter(workspace=workspace_a, first_name="Last").exists()


def test_a_vcard_tag_with_a_comma_is_imported(workspace_a, alice):
    from contacts.importing import jobs, run
    from contacts.models import Contact

    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    data = f"{card}CATEGORIES:a\\, b,c\r\nEND:VCARD\r\n".encode()
    job = jobs.import_upload(workspace=workspace_a, user=alice, filename="t.vcf", data=data)
    jobs.import_start(job=job)
    job = run.import_run(job_id=job.pk)
    assert (job.status, job.created_count) == ("done", 1)
    contact = Contact.objects.get(workspace=workspace_a)
    assert {t.name for t in contact.tags.all()} == {"a b", "c"}


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["contacts:export_csv", "contacts:export_vcard"])
def test_exports_are_never_cached(client, alice, workspace_a, name):
    ContactFactory(workspace=workspace_a, first_name="Ada")
    client.force_login(alice)
    response = client.get(reverse(name, kwargs={"ws": "acme"}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("separator", ["\r", "\n", "\r\n", "\u2028", "\x0b"])
def test_a_line_break_in_a_field_never_starts_a_new_card(workspace_a, alice, separator):
    from contacts.importing.vcard import contact_vcard, parse_vcards

    contact = ContactFactory(
        workspace=workspace_a,
        first_name="Ada",
        summary=f"one{separator}END:VCARD{separator}BEGIN:VCARD{separator}FN:Mallory",
    )
    card = contact_vcard(contact, [f"tag{separator}x"])
    assert [line for line in card.split("\r\n") if line.startswith("BEGIN:")] == ["BEGIN:VCARD"]
    assert "\r" not in card.replace("\r\n", "")
    assert "\n" not in card.replace("\r\n", "")
    [record] = parse_vcards(card)
    assert record["first_name"] == "Ada"
    assert "Mallory" in record["summary"]


def test_a_summary_has_a_size_limit_in_the_form_and_the_import(client, alice, workspace_a):
    from contacts.importing.run import clean_record

    client.force_login(alice)
    response = client.post(
        reverse("contacts:create", kwargs={"ws": "acme"}),
        {"first_name": "Ada", "summary": "x" * 10_001, "cadence_days": 90},
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        clean_record({"first_name": "Ada", "summary": "x" * 10_001, "emails": []})
