"""Scale data for `make bench`: one team workspace with years of realistic activity.

Bulk inserts only (no per-row services): the point is volume, quickly. The rows still obey
every constraint the services keep (one thank-you per interview, one pending keep-in-touch per
person, referral chains inside the workspace, search columns filled).
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership, User, Workspace
from contacts.models import Company, Contact, StageChange, Tag
from contacts.services import contacts_refresh_search
from followups.models import FollowUp
from infoview.demo_logins import DEMO_PASSWORD
from interviews.markup import render_markdown
from interviews.models import Assessment, Interview, Note

SLUG = "scale-team"
ADMIN_EMAIL = "scale-admin@bench.infoview.test"
FIRST = [
    *"Amara Ben Chloe Dev Elena Farah George Hana Isaac Jade Kofi Lena Marco Nia Oscar".split(),
    *"Priya Quinn Rosa Sami Tara Uma Victor Wen Xavier Yara Zoe Aisha Bruno Carmen Dmitri".split(),
]
LAST = [
    *"Adeyemi Brown Chen Da Silva Evans Fischer Garcia Hughes Iqbal Jones Kowalski Lee".split(),
    *"Murphy Nakamura O'Brien Patel Quinn Rossi Singh Taylor Usman Varga Walsh Xu Young".split(),
]
INDUSTRIES = [
    "Fintech", "Healthcare", "Retail", "Energy", "Logistics", "Media", "Education", "Public sector",
]  # fmt: skip
SKILLS = [
    *"python django sql data analytics design product sales marketing finance ops".split(),
    *"leadership research writing negotiation java go rust cloud security ml".split(),
]
SUFFIXES = ["Labs", "Group", "Partners", "Systems"]
TITLES = ["Engineer", "Analyst", "Product Manager", "Designer", "Director", "Consultant"]
STAGES = [
    ("new", 30),
    ("engaged", 25),
    ("promising", 15),
    ("nurturing", 12),
    ("referred", 6),
    ("applied", 5),
    ("hired", 2),
    ("not_a_fit", 5),
]
SOURCES = [
    ("event", 20),
    ("referral", 15),
    ("linkedin", 30),
    ("alumni", 10),
    ("cold_outreach", 10),
    ("job_board", 10),
    ("other", 5),
]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


@contextmanager
def _keep_given_timestamps(*models):
    """Let bulk_create store the historical created_at/updated_at the seeder gives."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = "Create (or reuse) the scale workspace for benchmarks. Bulk inserts only."

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=20_000)
        parser.add_argument("--interviews", type=int, default=60_000)
        parser.add_argument("--followups", type=int, default=150_000)
        parser.add_argument("--notes", type=int, default=100_000)
        parser.add_argument("--recruiters", type=int, default=6)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--fresh", action="store_true", help="Delete the scale workspace first."
        )

    def handle(self, *args, **opts):
        started = time.monotonic()
        workspace = Workspace.objects.filter(slug=SLUG).first()
        if workspace and opts["fresh"]:
            self._delete(workspace)
            workspace = None
        if workspace and Contact.objects.filter(workspace=workspace).count() >= opts["contacts"]:
            self.stdout.write(f"Reusing the scale workspace '{SLUG}'.")
            return
        if workspace:
            with self._phase("delete the old scale workspace"):
                self._delete(workspace)
        self.rng = random.Random(opts["seed"])
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - timedelta(days=365 * opts["years"])
        with transaction.atomic():
            workspace, recruiters = self._team(opts["recruiters"])
            with _keep_given_timestamps(Contact, Interview, Note, FollowUp, Assessment):
                with self._phase("contacts"):
                    contacts = self._contacts(workspace, recruiters, opts["contacts"])
                with self._phase("interviews"):
                    interviews = self._interviews(workspace, contacts, opts["interviews"])
                with self._phase("notes"):
                    self._notes(workspace, interviews, opts["notes"])
                with self._phase("assessments"):
                    self._assessments(workspace, interviews)
                with self._phase("follow-ups"):
                    self._followups(workspace, contacts, interviews, opts["followups"])
        with self._phase("analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded '{SLUG}' in {time.monotonic() - started:.1f} s: "
                f"{opts['contacts']} contacts, {len(interviews)} interviews, "
                f"{FollowUp.objects.filter(workspace=workspace).count()} follow-ups, "
                f"{Note.objects.filter(workspace=workspace).count()} notes."
            )
        )

    @contextmanager
    def _phase(self, name):
        started = time.monotonic()
        yield
        self.stdout.write(f"  {name}: {time.monotonic() - started:.1f} s")

    def _delete(self, workspace):
        # Raw deletes in dependency order: a cascading ORM delete of 300,000 rows is slow.
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (
                "followups_reminder",
                "followups_followup",
                "interviews_note",
                "interviews_assessment",
                "interviews_objective",
                "interviews_interviewquestion",
                "interviews_prepitem",
                "interviews_interviewtext",
                "interviews_interview",
                "contacts_stagechange",
            ):
                column = (
                    "followup_id IN (SELECT id FROM followups_followup WHERE workspace_id = %s)"
                )
                where = column if table == "followups_reminder" else "workspace_id = %s"
                cursor.execute(f"DELETE FROM {table} WHERE {where}", [workspace.pk])  # noqa: S608
            cursor.execute(
                "DELETE FROM contacts_contact_tags WHERE contact_id IN "
                "(SELECT id FROM contacts_contact WHERE workspace_id = %s)",
                [workspace.pk],
            )
            cursor.execute(
                "UPDATE contacts_contact SET introduced_by_id = NULL WHERE workspace_id = %s",
                [workspace.pk],
            )
        workspace.delete()

    def _team(self, count):
        admin = User.objects.filter(email=ADMIN_EMAIL).first() or account_services.user_signup(
            email=ADMIN_EMAIL, name="Scale Admin", password=DEMO_PASSWORD
        )
        workspace = account_services.workspace_create(
            name="Scale Team", kind=Workspace.Kind.TEAM, creator=admin, time_zone="Europe/London"
        )
        workspace.slug = SLUG
        workspace.save(update_fields=["slug"])
        recruiters = [admin]
        for i in range(count):
            email = f"scale-recruiter{i + 1}@bench.infoview.test"
            user = User.objects.filter(email=email).first() or account_services.user_signup(
                email=email, name=f"Recruiter {i + 1}", password=DEMO_PASSWORD
            )
            Membership.objects.create(user=user, workspace=workspace, role="recruiter")
            recruiters.append(user)
        return workspace, recruiters

    def _when(self):
        span = (self.now - self.start).total_seconds()
        return self.start + timedelta(seconds=self.rng.random() * span)

    def _contacts(self, workspace, recruiters, count):
        rng = self.rng
        companies = Company.objects.bulk_create(
            Company(
                workspace=workspace,
                name=f"{rng.choice(LAST)} {rng.choice(SUFFIXES)} {i}",
                industry=rng.choice(INDUSTRIES),
            )
            for i in range(max(1, count // 25))
        )
        tags = Tag.objects.bulk_create(Tag(workspace=workspace, name=s) for s in SKILLS)
        contacts = []
        for i in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = self._when()
            contacts.append(
                Contact(
                    workspace=workspace,
                    first_name=first,
                    last_name=last,
                    emails=[f"{first}.{last}.{i}@example.com".lower().replace("'", "")],
                    title=rng.choice(TITLES),
                    company=rng.choice(companies),
                    location=rng.choice(["London", "Manchester", "Leeds", "Remote", "Bristol"]),
                    summary=f"Met about {rng.choice(SKILLS)} and {rng.choice(SKILLS)}.",
                    source=_pick(rng, SOURCES),
                    owner=rng.choice(recruiters),
                    cadence_days=rng.choice([30, 90, 90, 90, 180]),
                    stage=_pick(rng, STAGES),
                    created_at=created,
                    updated_at=created,
                    last_interaction_at=None,
                )
            )
        contacts.sort(key=lambda c: c.created_at)
        Contact.objects.bulk_create(contacts, batch_size=5000)
        # Referral chains: a referred person was introduced by someone met before them.
        referred = [(i, c) for i, c in enumerate(contacts) if i >= 50 and c.source == "referral"]
        pairs = [(c.pk, contacts[rng.randrange(0, i)].pk) for i, c in referred]
        if pairs:
            with connection.cursor() as cursor:
                values = ",".join(cursor.mogrify("(%s,%s)", p).decode() for p in pairs)
                cursor.execute(
                    "UPDATE contacts_contact c SET introduced_by_id = v.by FROM (VALUES "  # noqa: S608
                    + values
                    + ") AS v(id, by) WHERE c.id = v.id"
                )
        through = Contact.tags.through
        through.objects.bulk_create(
            (
                through(contact_id=c.pk, tag_id=t.pk)
                for c in contacts
                for t in rng.sample(tags, rng.randint(0, 3))
            ),
            batch_size=10000,
        )
        StageChange.objects.bulk_create(
            (
                StageChange(
                    workspace=workspace,
                    contact=c,
                    from_stage="new",
                    to_stage=c.stage,
                    changed_by=c.owner,
                    changed_at=c.created_at + timedelta(days=rng.randint(1, 60)),
                )
                for c in contacts
                if c.stage not in ("", "new")
            ),
            batch_size=5000,
        )
        with self._phase("search columns"):
            contacts_refresh_search(contact_ids=[c.pk for c in contacts])
        return contacts

    def _interviews(self, workspace, contacts, count):
        rng = self.rng
        interviews = []
        for _ in range(count):
            contact = rng.choice(contacts)
            starts = contact.created_at + timedelta(
                seconds=rng.random()
                * max(1, (self.now + timedelta(days=30) - contact.created_at).total_seconds())
            )
            starts = starts.replace(minute=rng.choice([0, 15, 30, 45]), second=0)
            past = starts < self.now
            status = (
                _pick(rng, [("completed", 85), ("cancelled", 10), ("no_show", 5)])
                if past
                else rng.choice(["planned", "scheduled"])
            )
            duration = rng.choice([20, 30, 30, 45, 60])
            ends = starts + timedelta(minutes=duration)
            interviews.append(
                Interview(
                    workspace=workspace,
                    contact=contact,
                    owner=contact.owner,
                    starts_at=starts,
                    time_zone="Europe/London",
                    duration_minutes=duration,
                    mode=rng.choice(["in_person", "video", "video", "phone"]),
                    meeting_url="https://meet.example.com/abc" if rng.random() < 0.5 else "",
                    purpose=f"Learn about {rng.choice(SKILLS)} at {contact.company.name}",
                    status=status,
                    scheduled_at=starts - timedelta(days=rng.randint(1, 14)),
                    completed_at=ends if status == "completed" else None,
                    cancelled_at=starts - timedelta(hours=5) if status == "cancelled" else None,
                    no_show_at=ends if status == "no_show" else None,
                    created_at=starts - timedelta(days=rng.randint(1, 20)),
                    updated_at=ends,
                )
            )
        Interview.objects.bulk_create(interviews, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE contacts_contact c SET last_interaction_at = i.last
                   FROM (SELECT contact_id, max(completed_at) AS last FROM interviews_interview
                         WHERE workspace_id = %s AND completed_at IS NOT NULL GROUP BY contact_id) i
                   WHERE c.id = i.contact_id""",
                [workspace.pk],
            )
        return interviews

    def _notes(self, workspace, interviews, count):
        rng = self.rng
        done = [i for i in interviews if i.status == "completed"]
        kinds = ["insight", "advice", "trend", "next_step"]
        Note.objects.bulk_create(
            (
                Note(
                    workspace=workspace,
                    interview=(interview := rng.choice(done)),
                    author=interview.owner,
                    kind=rng.choice(kinds),
                    body=(
                        body := f"**{rng.choice(SKILLS).title()}** is where "
                        f"{rng.choice(INDUSTRIES)} is heading."
                    ),
                    body_html=render_markdown(body),
                    created_at=interview.completed_at + timedelta(minutes=rng.randint(1, 600)),
                )
                for _ in range(count)
            ),
            batch_size=10000,
        )

    def _assessments(self, workspace, interviews):
        rng = self.rng
        Assessment.objects.bulk_create(
            (
                Assessment(
                    workspace=workspace,
                    interview=interview,
                    passion=rng.randint(1, 5),
                    motivation=rng.randint(1, 5),
                    cultural_fit=rng.randint(1, 5),
                    skills=rng.sample(SKILLS, 3),
                    consider_for_future=rng.random() < 0.3,
                    roles_in_mind=rng.choice(["", "Senior analyst", "Product lead"]),
                    assessed_by=interview.owner,
                    updated_at=interview.completed_at,
                )
                for interview in interviews
                if interview.status == "completed" and rng.random() < 0.4
            ),
            batch_size=5000,
        )

    def _followups(self, workspace, contacts, interviews, count):
        rng = self.rng
        rows = []
        delays = [(2, 35), (20, 25), (40, 15), (70, 10), (200, 15)]  # hours after due, weight
        for interview in interviews:
            if interview.status != "completed" or len(rows) >= count:
                continue
            due = interview.completed_at + timedelta(hours=24)
            if due > self.now:
                status, done_at = "open", None
            else:
                hours = _pick(rng, delays) * rng.random() - 24
                status = rng.choice(["done"] * 9 + ["skipped"])
                done_at = interview.completed_at + timedelta(hours=24 + hours)
            rows.append(
                FollowUp(
                    workspace=workspace,
                    contact=interview.contact,
                    interview=interview,
                    owner=interview.owner,
                    kind="thank_you",
                    due_at=due,
                    status=status,
                    done_at=done_at,
                    channel="email" if status == "done" else "",
                    created_at=interview.completed_at,
                )
            )
        for contact in contacts:
            if len(rows) >= count:
                break
            base = contact.last_interaction_at or contact.created_at
            rows.append(
                FollowUp(
                    workspace=workspace,
                    contact=contact,
                    owner=contact.owner,
                    kind="keep_in_touch",
                    due_at=base + timedelta(days=contact.cadence_days),
                    status="open",
                    created_at=base,
                )
            )
        kinds = ["update", "advice", "referral", "custom"]
        while len(rows) < count:
            contact = rng.choice(contacts)
            due = self._when()
            done = due < self.now - timedelta(days=2)
            rows.append(
                FollowUp(
                    workspace=workspace,
                    contact=contact,
                    owner=contact.owner,
                    kind=rng.choice(kinds),
                    due_at=due,
                    status="done" if done else "open",
                    done_at=due + timedelta(hours=rng.randint(1, 72)) if done else None,
                    created_at=due - timedelta(days=rng.randint(1, 30)),
                )
            )
        for row in rows:  # last changed when done, else when made (the feed's validator reads it)
            row.updated_at = row.done_at or row.created_at
        FollowUp.objects.bulk_create(rows, batch_size=10000)
