"""The data bugs found in the browser, each checked through the page that showed it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from contacts import services as contact_services
from contacts.importing import jobs, run
from contacts.models import Contact, StageChange
from followups.models import FollowUp
from interviews import services as interview_services
from interviews.models import Interview
from reports.tests.helpers import page_tables, report_url

pytestmark = pytest.mark.django_db

# A Wednesday; the workspace's day is UTC.
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def _edit(client, contact, **changes):
    data = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "cadence_days": contact.cadence_days,
        "stage": contact.stage,
        "owner": contact.owner_id or "",
        **changes,
    }
    return client.post(reverse("contacts:edit", kwargs={"ws": "acme", "pk": contact.pk}), data)


def _new(client, name):
    data = {"first_name": name, "cadence_days": 90, "stage": "new"}
    assert client.post(reverse("contacts:create", kwargs={"ws": "acme"}), data).status_code == 302
    return Contact.objects.get(first_name=name)


def test_a_stage_changed_in_the_edit_form_is_recorded(signed_in):
    contact = _new(signed_in, "Ada")
    assert _edit(signed_in, contact, stage="engaged").status_code == 302
    moves = list(
        StageChange.objects.filter(contact=contact)
        .order_by("pk")
        .values_list("from_stage", "to_stage")
    )
    assert moves == [("", "new"), ("new", "engaged")]


def test_the_stages_report_counts_a_new_contact_once(signed_in, workspace_a):
    contacts = [_new(signed_in, name) for name in ("Ada", "Bea", "Cy", "Dee")]
    _edit(signed_in, contacts[0], stage="engaged")
    day = NOW.date().isoformat()
    response = signed_in.get(report_url(workspace_a, "stages"), {"start": day, "end": day})
    rows = page_tables(response)["stages"]
    assert rows[1] == ["New", "3", "4", "\u2014"]
    assert rows[2] == ["Engaged", "1", "1", "25.0%"]


def test_a_new_cadence_moves_the_pending_keep_in_touch(signed_in, alice):
    contact = _new(signed_in, "Ada")
    contact.refresh_from_db()
    interview = interview_services.interview_create(
        workspace=contact.workspace,
        owner=alice,
        contact=contact,
        starts_at=NOW - timedelta(hours=2),
    )
    interview_services.interview_complete(interview=interview, completed_at=NOW)
    pending = FollowUp.objects.get(contact=contact, kind="keep_in_touch", status="open")
    assert pending.due_at == NOW + timedelta(days=90)
    contact.refresh_from_db()
    assert _edit(signed_in, contact, cadence_days=30).status_code == 302
    pending.refresh_from_db()
    assert pending.due_at == NOW + timedelta(days=30)


def test_the_thank_you_is_due_after_the_conversation_not_the_click(signed_in, alice):
    contact = contact_services.contact_create(
        workspace=alice.last_workspace, owner=alice, first_name="Ada"
    )
    held = NOW - timedelta(days=1)
    interview = interview_services.interview_create(
        workspace=contact.workspace, owner=alice, contact=contact, starts_at=held
    )
    url = reverse("interviews:complete", kwargs={"ws": contact.workspace.slug, "pk": interview.pk})
    assert signed_in.post(url).status_code == 302
    thank_you = FollowUp.objects.get(interview=interview, kind="thank_you")
    delay = timedelta(hours=contact.workspace.thank_you_delay_hours)
    assert thank_you.due_at == interview.ends_at + delay


def test_an_interview_in_the_future_cannot_be_completed(signed_in, alice):
    contact = contact_services.contact_create(
        workspace=alice.last_workspace, owner=alice, first_name="Ada"
    )
    interview = interview_services.interview_create(
        workspace=contact.workspace, owner=alice, contact=contact, starts_at=NOW + timedelta(days=1)
    )
    url = reverse("interviews:complete", kwargs={"ws": contact.workspace.slug, "pk": interview.pk})
    response = signed_in.post(url, follow=True)
    assert "has not taken place yet" in response.text
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED
    assert not FollowUp.objects.filter(interview=interview).exists()


VCARD_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "TITLE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gesch=E4ftsf=FChrer\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0A=\r\nline two\r\n"
    "EMAIL;INTERNET:juergen@example.de\r\nEND:VCARD\r\n"
)


def test_a_vcard_21_with_quoted_printable_names_imports_them_decoded(signed_in, workspace_a):
    response = signed_in.post(
        reverse("contacts:import_upload", kwargs={"ws": "acme"}),
        {"file": _upload("old-phone.vcf", VCARD_21.encode())},
    )
    assert response.status_code == 302
    job = jobs.ImportJob.objects.get()
    signed_in.post(reverse("contacts:import_confirm", kwargs={"ws": "acme", "pk": job.pk}))
    run.import_run(job_id=job.pk)
    person = Contact.objects.get(workspace=workspace_a)
    assert (person.first_name, person.last_name) == ("Jürgen", "Müller")
    assert person.title == "Geschäftsführer"
    assert person.summary == "Line one\r\nline two"
    assert person.emails == ["juergen@example.de"]


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_every_test_module_that_reads_the_clock_freezes_it():
    """The suite passes at any time of day and week: a module that reads the clock travels to a
    fixed instant (conftest's ``frozen_clock``, or its own). Browser and worker tests run real
    processes with real cookies and leases: they pick safe instants themselves."""
    root = Path(__file__).resolve().parents[2]
    unfrozen = []
    for path in sorted(root.glob("*/tests/test_*.py")):
        text = path.read_text()
        reads = "timezone.now()" in text or "date.today()" in text
        real_processes = "mark.browser" in text or "mark.worker" in text
        conftest = path.parent / "conftest.py"
        # A tests folder may freeze every module at once, with an autouse fixture.
        folder_frozen = conftest.exists() and "time_machine.travel" in conftest.read_text()
        frozen = "frozen_clock" in text or "time_machine" in text or folder_frozen
        if reads and not real_processes and not frozen:
            unfrozen.append(str(path.relative_to(root)))
    assert unfrozen == []
