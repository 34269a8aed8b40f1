"""The letters-only canary: one made-up person taken through every path, then taken out.

Letters only, because digits and "@" never reach some tables (the typo word list), and a
canary with digits would miss them. After the erasure (or the retention pass, or a delete in
the Django admin) no text or JSON column of any table, found from ``information_schema``, and
no key of the test's Redis broker may still hold the name.
"""

from datetime import timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Workspace
from contacts import suppression
from contacts.importing import run
from contacts.models import Contact, ImportJob
from followups import services as followup_services
from followups.models import FollowUp
from interviews import services as interview_services
from interviews.models import Note
from privacy.models import RetentionWarning
from privacy.services import retention
from privacy.tests.factories import database_hits

pytestmark = pytest.mark.django_db

FIRST, LAST = "Quillontria", "Zebravolk"
CANARY = [FIRST.lower(), LAST.lower()]
EMAIL = "quillontria.zebravolk@example.org"
LINKEDIN = "https://www.linkedin.com/in/quillontriazebravolk"
NOW = timezone.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.UTC)


def _linkedin_csv(email_cell: str) -> bytes:
    return (
        "Notes:\n\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f"{FIRST},{LAST},{LINKEDIN}/en?trk=x,{email_cell},Holdings Ltd,Quillontria lead,"
        "01 Mar 2026\n"
        "Other,Person,https://www.linkedin.com/in/otherperson,other@example.org,Acme,CTO,"
        "01 Mar 2026\n"
    ).encode()


def _vcard() -> bytes:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:{LAST};{FIRST};;;\r\nFN:{FIRST} {LAST}\r\n"
        f"EMAIL:{FIRST.upper()}.{LAST}@Example.org\r\n"
        f"EMAIL:{FIRST.lower()}@zebravolk.example\r\nTEL:+44 20 7946 0999\r\n"
        f"TITLE:Chief {LAST} officer\r\nURL:{LINKEDIN}/\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Other;Someone;;;\r\nFN:Someone Other\r\n"
        "TEL:+44 20 7946 0999\r\nEND:VCARD\r\n"
    ).encode()


def _redis_hits() -> list[str]:
    """Keys of the test's broker whose name or value holds the canary."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = []
    for key in client.scan_iter(count=500):
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key) or b""]
        elif kind == "list":
            values = client.lrange(key, 0, -1)
        elif kind == "hash":
            values = [k + b"=" + v for k, v in client.hgetall(key).items()]
        elif kind == "set":
            values = list(client.smembers(key))
        elif kind == "zset":
            values = client.zrange(key, 0, -1)
        elif kind == "stream":
            values = [repr(entry).encode() for entry in client.xrange(key)]
        else:
            values = []
        blob = b" ".join([key, *values]).lower()
        if any(word.encode() in blob for word in CANARY):
            found.append(key.decode(errors="replace"))
    return found


def _personal(user) -> Workspace:
    return Workspace.objects.get(kind=Workspace.Kind.PERSONAL, membership__user=user)


def take_through_every_path(client, user, workspace) -> Contact:
    """The person by the contact form, two imports (one left in preview), an interview with
    notes and answers, a thank-you sent, a person to meet, the exports and an admin edit."""
    client.force_login(user)
    ws = workspace.slug
    response = client.post(
        reverse("contacts:create", kwargs={"ws": ws}),
        {
            "first_name": FIRST,
            "last_name": LAST,
            "emails": EMAIL,
            "phone": "+44 20 7946 0999",
            "linkedin_url": LINKEDIN,
            "title": f"{FIRST} of {LAST}",
            "summary": f"Met {FIRST} {LAST} at a fair",
            "owner": user.pk,
            "cadence_days": 90,
            **({"stage": "new"} if workspace.is_team else {}),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get(workspace=workspace, first_name=FIRST)

    # An import that runs (the person is there, with an extra address), and one left in preview.
    client.post(
        reverse("contacts:import_upload", kwargs={"ws": ws}),
        {"file": SimpleUploadedFile(f"{FIRST} {LAST}.csv", _linkedin_csv(f"<{EMAIL}>"))},
    )
    done = ImportJob.objects.filter(workspace=workspace).latest("pk")
    client.post(reverse("contacts:import_confirm", kwargs={"ws": ws, "pk": done.pk}))
    run.import_run(job_id=done.pk)
    client.post(
        reverse("contacts:import_upload", kwargs={"ws": ws}),
        {"file": SimpleUploadedFile(f"{FIRST} {LAST}.vcf", _vcard())},
    )
    preview = ImportJob.objects.filter(workspace=workspace).latest("pk")
    assert client.get(preview.get_absolute_url()).status_code == 200

    interview = interview_services.interview_create(
        workspace=workspace,
        owner=user,
        contact=contact,
        starts_at=timezone.now() - timedelta(hours=2),
        purpose=f"Hear {FIRST} on {LAST} things",
    )
    interview_services.interview_text_save(
        interview=interview, field="research", value=f"{LAST} research"
    )
    question = interview_services.question_add_one_off(interview=interview, text="Why?")
    interview_services.question_answer(question=question, answer=f"Because {FIRST}")
    interview_services.note_add(
        interview=interview, author=user, kind=Note.Kind.INSIGHT, body=f"{FIRST} said so"
    )
    interview_services.interview_complete(interview=interview, completed_at=timezone.now())
    thank_you = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.THANK_YOU)
    followup_services.followup_done(
        followup=thank_you,
        channel=FollowUp.Channel.EMAIL,
        subject=f"Thank you {FIRST}",
        message=f"Dear {FIRST} {LAST}, thank you.",
        message_id="<thanks@example.test>",
    )

    for name in ("contacts:export_csv", "contacts:export_vcard"):
        body = b"".join(client.get(reverse(name, kwargs={"ws": ws})).streaming_content)
        assert FIRST in body.decode()
    if workspace.is_team:
        export = client.get(
            reverse("privacy:contact_export_json", kwargs={"ws": ws, "pk": contact.pk})
        )
        assert FIRST in export.content.decode()

    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    admin_page = client.get(reverse("admin:contacts_contact_change", args=[contact.pk]))
    assert admin_page.status_code == 200
    from contacts.admin import ContactAdmin

    ContactAdmin(Contact, None).log_change(admin_page.wsgi_request, contact, f"Edited {FIRST}")
    assert LogEntry.objects.filter(object_repr__icontains=FIRST).exists()
    assert database_hits(CANARY), "the canary never reached the database"
    return contact


def assert_nothing_left():
    leftovers = database_hits(CANARY)
    redis_keys = _redis_hits()
    assert (leftovers, redis_keys) == ({}, [])


def assert_not_brought_back(client, workspace, preview: ImportJob | None):
    """An erased person's addresses, in any spelling, create nobody again."""
    assert suppression.is_suppressed(workspace, email=f'"{FIRST} {LAST}" <{EMAIL.upper()}>')
    assert suppression.is_suppressed(workspace, email=f"mailto:{EMAIL}")
    assert suppression.is_suppressed(workspace, linkedin_url=f"{LINKEDIN}/en/?trk=1")
    ws = workspace.slug
    client.post(
        reverse("contacts:import_upload", kwargs={"ws": ws}),
        {"file": SimpleUploadedFile("again.csv", _linkedin_csv(f"<{EMAIL.upper()}>"))},
    )
    again = ImportJob.objects.filter(workspace=workspace).latest("pk")
    client.post(reverse("contacts:import_confirm", kwargs={"ws": ws, "pk": again.pk}))
    run.import_run(job_id=again.pk)
    if preview is not None and ImportJob.objects.filter(pk=preview.pk).exists():
        client.post(reverse("contacts:import_confirm", kwargs={"ws": ws, "pk": preview.pk}))
        run.import_run(job_id=preview.pk)
    assert not Contact.objects.filter(workspace=workspace, first_name__iexact=FIRST).exists()
    response = client.post(
        reverse("contacts:create", kwargs={"ws": ws}),
        {"first_name": "Q", "emails": EMAIL, "owner": "", "cadence_days": 90},
    )
    assert response.status_code == 400
    assert not Contact.objects.filter(workspace=workspace, first_name="Q").exists()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.usefixtures("frozen")
class TestCanary:
    def test_erasure_in_a_team_leaves_nothing(self, client, alice, workspace_a):
        contact = take_through_every_path(client, alice, workspace_a)
        preview = ImportJob.objects.filter(workspace=workspace_a, status="preview").get()
        client.post(reverse("privacy:contact_erase", kwargs={"ws": "acme", "pk": contact.pk}))
        assert not Contact.objects.filter(pk=contact.pk).exists()
        assert_nothing_left()
        # Whole cards go, never parts of others: the other card keeps the shared phone.
        preview.refresh_from_db()
        assert "FN:Someone Other" in preview.text and "+44 20 7946 0999" in preview.text
        assert preview.total_rows == 1
        page = client.get(preview.get_absolute_url())
        assert page.status_code == 200 and FIRST not in page.text
        assert_not_brought_back(client, workspace_a, preview)
        assert_nothing_left()

    def test_erasure_in_a_personal_workspace_leaves_nothing(self, client, alice):
        workspace = _personal(alice)
        contact = take_through_every_path(client, alice, workspace)
        preview = ImportJob.objects.filter(workspace=workspace, status="preview").get()
        client.post(
            reverse("contacts:delete", kwargs={"ws": workspace.slug, "pk": contact.pk}),
            {"erase": "on"},
        )
        assert not Contact.objects.filter(pk=contact.pk).exists()
        assert_nothing_left()
        assert_not_brought_back(client, workspace, preview)
        assert_nothing_left()

    def test_the_retention_pass_leaves_nothing(self, client, alice, workspace_a):
        contact = take_through_every_path(client, alice, workspace_a)
        retention.retention_policy_update(
            workspace=workspace_a, enabled=True, months=1, privacy_notice_url=""
        )
        later = timezone.now() + timedelta(days=60)
        RetentionWarning.objects.create(
            workspace=workspace_a,
            contact=contact,
            due_on=retention.retention_due_on(Contact.objects.get(pk=contact.pk), 1),
            sent_at=later - timedelta(days=30),
        )
        with time_machine.travel(later):
            assert retention.retention_run(now=later)["anonymised"] == 1
        assert Contact.objects.filter(pk=contact.pk).exists()
        assert_nothing_left()

    def test_a_delete_in_the_django_admin_leaves_nothing(self, client, alice, workspace_a):
        contact = take_through_every_path(client, alice, workspace_a)
        response = client.post(
            reverse("admin:contacts_contact_delete", args=[contact.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Contact.objects.filter(pk=contact.pk).exists()
        assert_nothing_left()
        assert_not_brought_back(client, workspace_a, None)
