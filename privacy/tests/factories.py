"""A contact with a unique string planted in every text field of everything tied to them."""

import secrets
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import Contact, ImportJob
from followups import services as followup_services
from followups.models import FollowUp, Reminder
from interviews import services as interview_services
from interviews.models import Note


class Planted:
    def __init__(self, label: str):
        self.label = label
        self.strings: list[str] = []

    def __call__(self, field: str) -> str:
        value = f"cnry{self.label}{field}{secrets.token_hex(4)}".lower()
        self.strings.append(value)
        return value


def plant_contact(*, workspace, owner, label: str = "a"):
    """A contact with two interviews, notes, objectives, answers, an assessment, follow-ups,
    reminders, an import file and an admin log entry, every text field holding a canary."""
    p = Planted(label)
    emails = [f"{p('email1')}@example.test", f"{p('email2')}@example.test"]
    contact = contact_services.contact_create(
        workspace=workspace,
        owner=owner,
        first_name=p("first").capitalize(),
        last_name=p("last").capitalize(),
        emails=emails,
        phone="+44 20 7946 " + str(secrets.randbelow(9000) + 1000),
        title=p("title"),
        location=p("location"),
        linkedin_url=f"https://www.linkedin.com/in/{p('linkedin')}",
        summary=p("summary"),
    )
    p.strings.append(contact.phone)

    done = interview_services.interview_create(
        workspace=workspace,
        owner=owner,
        contact=contact,
        starts_at=timezone.now() - timedelta(days=3),
        location=p("ivlocation"),
        meeting_url=f"https://meet.example.test/{p('meeting')}",
        purpose=p("purpose"),
    )
    interview_services.interview_text_save(interview=done, field="research", value=p("research"))
    interview_services.interview_text_save(interview=done, field="scratch", value=p("scratch"))
    objective = interview_services.objective_add(interview=done, text=p("objective"))
    interview_services.objective_update(objective=objective, insight=p("insight"))
    question = interview_services.question_add_one_off(interview=done, text=p("question"))
    interview_services.question_answer(question=question, answer=p("answer"))
    interview_services.prep_item_add(interview=done, text=p("prep"))
    interview_services.note_add(
        interview=done, author=owner, kind=Note.Kind.INSIGHT, body=p("note"), objective=objective
    )
    if workspace.is_team:
        interview_services.assessment_save(
            interview=done,
            assessed_by=owner,
            passion=4,
            motivation=5,
            cultural_fit=3,
            skills=[p("skill")],
            roles_in_mind=p("roles"),
            availability=p("availability"),
            consider_for_future=True,
        )
    interview_services.interview_complete(interview=done, completed_at=timezone.now())

    cancelled = interview_services.interview_create(
        workspace=workspace, owner=owner, contact=contact, purpose=p("purpose2")
    )
    interview_services.interview_cancel(interview=cancelled, reason=p("reason"))

    # The thank-you opened by completing the interview is pending, with a pending reminder.
    thank_you = FollowUp.objects.get(interview=done, kind=FollowUp.Kind.THANK_YOU)
    FollowUp.objects.filter(pk=thank_you.pk).update(message=p("draft"))
    Reminder.objects.filter(followup=thank_you).update(last_error=p("pendingerror"))
    sent = followup_services.followup_create(
        workspace=workspace,
        contact=contact,
        owner=owner,
        kind=FollowUp.Kind.UPDATE,
        due_at=timezone.now(),
        title=p("futitle"),
    )
    followup_services.followup_done(
        followup=sent,
        channel=FollowUp.Channel.EMAIL,
        message=p("message"),
        subject=p("subject"),
        message_id=f"<{p('msgid')}@example.test>",
    )
    Reminder.objects.create(
        user=owner,
        followup=sent,
        kind=Reminder.Kind.THANK_YOU,
        due_at=timezone.now() - timedelta(days=1),
        next_attempt_at=timezone.now() - timedelta(days=1),
        state=Reminder.State.SENT,
        last_error=p("senterror"),
        message_id=f"<{p('remmsgid')}@example.test>",
    )

    ImportJob.objects.create(
        workspace=workspace,
        created_by=owner,
        filename="connections.csv",
        kind=ImportJob.Kind.CSV,
        text=f"First Name,Last Name,Email\n{contact.first_name},{contact.last_name},{emails[0]}\n"
        "Other,Person,other.person@example.test\n",
        status=ImportJob.Status.DONE,
        errors=[{"row": 2, "error": f"duplicate of {emails[1]}"}],
    )
    LogEntry.objects.create(
        user_id=owner.pk,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(contact.pk),
        object_repr=contact.full_name,
        action_flag=CHANGE,
        change_message=f"Changed {contact.emails[0]}",
    )
    contact.refresh_from_db()
    return contact, p.strings


def _text_columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              AND (c.data_type IN ('text', 'character varying', 'character', 'ARRAY', 'json',
                                   'jsonb', 'tsvector')
                   OR c.udt_name IN ('citext', 'tsvector'))
            ORDER BY 1, 2
            """
        )
        columns: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, []).append(column)
    return columns


def database_hits(strings: list[str]) -> dict[str, int]:
    """How many rows of each table hold any of ``strings`` in any text-like column."""
    patterns = [f"%{s.lower()}%" for s in strings]
    hits = {}
    with connection.cursor() as cursor:
        for table, columns in _text_columns().items():
            where = " OR ".join(f'lower("{c}"::text) LIKE ANY(%s)' for c in columns)
            sql = f'SELECT count(*) FROM "{table}" WHERE {where}'  # noqa: S608
            cursor.execute(sql, [patterns] * len(columns))
            count = cursor.fetchone()[0]
            if count:
                hits[table] = count
    return hits
