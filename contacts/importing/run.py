"""Planning and applying an import: duplicate matching, previews, batches that commit whole.

Every row is planned the same way for the preview and for the real run: it creates a contact,
fills the blanks of an existing one ("updated"), matches one with nothing new ("skipped"), or
is refused with a message. Matching is by email, LinkedIn URL, or name with company, so the
same file imported twice creates nothing the second time.
"""

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts import services, signals
from contacts.importing import writes
from contacts.importing.errors import ImportRefused
from contacts.importing.files import read_records
from contacts.locks import workspace_people_lock
from contacts.models import Contact, ImportJob
from contacts.suppression import record_suppressed, suppressed_keys, workspace_has_suppressions

BATCH_SIZE = 1000
# The columns an import fills in when blank (in _MATCHER_SQL's order).
FILLABLE = ("phone", "title", "location", "linkedin_url", "summary", "source", "connected_on")


@dataclass
class Known:
    """What the matcher remembers of one contact."""

    pk: int | None
    first_name: str
    last_name: str
    emails: list[str]
    company: str
    values: dict
    tags: set[str] = field(default_factory=set)


# In the model's order (Contact.Meta.ordering), as the ORM read them: the first of a key wins.
_MATCHER_SQL = """
SELECT c.id, c.first_name, c.last_name, c.emails, co.name,
    c.phone, c.title, c.location, c.linkedin_url, c.summary, c.source, c.connected_on
FROM contacts_contact c LEFT JOIN contacts_company co ON co.id = c.company_id
WHERE c.workspace_id = %s
ORDER BY c.last_name, c.first_name, c.id
"""
_MATCHER_TAGS_SQL = """
SELECT ct.contact_id, t.name
FROM contacts_contact_tags ct
JOIN contacts_contact c ON c.id = ct.contact_id
JOIN contacts_tag t ON t.id = ct.tag_id
WHERE c.workspace_id = %s
"""
_LINKEDIN_AT = 5 + FILLABLE.index("linkedin_url")

# A workspace's person as the matcher read it: (pk, first, last, emails, company, *FILLABLE).
Row = tuple


class Matcher:
    """An in-memory index of a workspace's contacts, kept current as rows are applied.

    The workspace's people are indexed as the rows read (in the model's order, the first of a
    key winning); a row becomes a ``Known`` only when a record matches it, which a few do: the
    rest of the workspace costs an index entry, not an object.
    """

    def __init__(self, workspace):
        self.by_email: dict[str, Known | Row] = {}
        self.by_linkedin: dict[str, Known | Row] = {}
        self.by_name: dict[tuple[str, str, str], Known | Row] = {}
        self._made: dict[int, Known] = {}
        self._tags: dict[int, set[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute(_MATCHER_TAGS_SQL, [workspace.pk])
            for contact_id, name in cursor.fetchall():
                self._tags.setdefault(contact_id, set()).add(name.lower())
            cursor.execute(_MATCHER_SQL, [workspace.pk])
            rows = cursor.fetchall()
        by_email, by_linkedin, by_name = self.by_email, self.by_linkedin, self.by_name
        for row in rows:
            for email in row[3]:
                by_email.setdefault(email.lower(), row)
            if row[_LINKEDIN_AT]:
                by_linkedin.setdefault(row[_LINKEDIN_AT], row)
            if row[4]:
                by_name.setdefault(self._name_key(row[1], row[2], row[4]), row)

    def _known(self, entry: Known | Row) -> Known:
        if isinstance(entry, Known):
            return entry
        known = self._made.get(entry[0])
        if known is None:
            pk, first, last, emails, company, *values = entry
            known = Known(
                pk=pk,
                first_name=first,
                last_name=last,
                emails=list(emails),
                company=company or "",
                values=dict(zip(FILLABLE, values, strict=True)),
                tags=self._tags.get(pk, set()),
            )
            self._made[pk] = known
        return known

    @staticmethod
    def _name_key(first, last, company):
        return (first.strip().lower(), last.strip().lower(), company.strip().lower())

    def add(self, known: Known) -> None:
        for email in known.emails:
            self.by_email.setdefault(email.lower(), known)
        if known.values.get("linkedin_url"):
            self.by_linkedin.setdefault(known.values["linkedin_url"], known)
        if known.company:
            key = self._name_key(known.first_name, known.last_name, known.company)
            self.by_name.setdefault(key, known)

    def find(self, record: dict) -> Known | None:
        for email in record.get("emails", []):
            if email in self.by_email:
                return self._known(self.by_email[email])
        if record.get("linkedin_url") in self.by_linkedin:
            return self._known(self.by_linkedin[record["linkedin_url"]])
        if record.get("company"):
            key = self._name_key(
                record.get("first_name", ""), record.get("last_name", ""), record["company"]
            )
            found = self.by_name.get(key)
            return None if found is None else self._known(found)
        return None


@dataclass
class Plan:
    action: str  # create / update / skip / error
    record: dict
    known: Known | None = None  # the person matched; for a create, the one it makes (learnt)
    changes: dict = field(default_factory=dict)
    new_emails: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    message: str = ""


_url = URLValidator(schemes=["http", "https"])
# What normalise_linkedin makes of a profile URL, which URLValidator always accepts: checked by
# one regular expression instead of its several (a LinkedIn export has one per row).
_PLAIN_LINKEDIN = re.compile(r"https://www\.linkedin\.com(?:/[^\s]*)?")


def _check_url(url: str) -> None:
    if len(url) <= URLValidator.max_length and _PLAIN_LINKEDIN.fullmatch(url):
        return
    _url(url)


MAX_EMAILS_PER_ROW = 20
MAX_TAGS_PER_ROW = 50


def _clean_tags(raw_tags: list[str]) -> list[str]:
    """The row's tags as they will be stored, checked now so the preview reports a bad one and
    the run never meets it (a name the database would refuse stopped an import half done)."""
    tags: dict[str, str] = {}
    for raw in raw_tags:
        name = services.tag_name_clean(raw)
        if len(name) > services.TAG_NAME_MAX_LENGTH:
            raise ValidationError(
                _("A tag is longer than %(max)d characters.")
                % {"max": services.TAG_NAME_MAX_LENGTH}
            )
        if name:
            tags.setdefault(name.lower(), name)
    if len(tags) > MAX_TAGS_PER_ROW:
        raise ValidationError(_("More than %(max)d tags.") % {"max": MAX_TAGS_PER_ROW})
    return list(tags.values())


def clean_record(record: dict) -> dict:
    """Tidy one record, raising ValidationError with a message fit for the error report."""
    record = dict(record)
    if not record.get("first_name"):
        if record.get("last_name"):
            record["first_name"], record["last_name"] = record["last_name"], ""
        else:
            raise ValidationError(_("The row has no name."))
    try:
        record["emails"] = services.normalise_emails(record.get("emails", []))
    except ValidationError as error:
        raise ValidationError(_("Bad email address.")) from error
    if any(len(email) > services.EMAIL_MAX_LENGTH for email in record["emails"]):
        raise ValidationError(_("Bad email address."))
    if len(record["emails"]) > MAX_EMAILS_PER_ROW:
        raise ValidationError(_("More than %(max)d email addresses.") % {"max": MAX_EMAILS_PER_ROW})
    record["tags"] = _clean_tags(record.get("tags", []))
    if record.get("linkedin_url"):
        record["linkedin_url"] = services.normalise_linkedin(record["linkedin_url"])
        try:
            _check_url(record["linkedin_url"])
        except ValidationError as error:
            raise ValidationError(_("Bad LinkedIn URL.")) from error
    # The model's limits, checked here because writes.people_create_many does not full_clean each
    # row: clean_record is the validation, and it is what the tests pin.
    name = services.too_long(record)
    if name is not None:
        raise ValidationError(_("%(field)s is too long.") % {"field": name})
    record["company"] = record.get("company", "")[: services.COMPANY_NAME_MAX_LENGTH]
    # A date the file cannot say clearly is left out rather than failing the row.
    connected = parse_connected_on(record.get("connected_on", ""))
    record["connected_on"] = connected.isoformat() if connected else None
    return record


_MONTHS = {
    name: number
    for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
_LINKEDIN_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]{3}) (\d{4})")


def parse_connected_on(text: str) -> date | None:
    """LinkedIn writes "26 Nov 2024" (older exports "26/11/2024"); ISO dates are taken too."""
    text = " ".join(str(text or "").split())
    # LinkedIn's own spelling without strptime, which costs more than the rest of the row.
    plain = _LINKEDIN_DATE.fullmatch(text)
    if plain and plain[2].lower() in _MONTHS:
        try:
            return date(int(plain[3]), _MONTHS[plain[2].lower()], int(plain[1]))
        except ValueError:
            pass
    for pattern in ("%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def suppressed_in(workspace, records: list[dict]) -> set[str]:
    """The file's addresses and profiles of people erased on request (normalised, as
    ``contacts.normalise`` spells them, whatever the file's spelling): never imported again.

    A run reads it under the workspace's people lock, which erasure takes too: an erasure either
    finished before (its suppression is seen) or waits for the batch."""
    if not records or not workspace_has_suppressions(workspace):
        return set()
    return suppressed_keys(
        workspace,
        emails=[e for r in records for e in r.get("emails", [])],
        linkedin_urls=[r["linkedin_url"] for r in records if r.get("linkedin_url")],
    )


def plan_row(
    record: dict, matcher: Matcher, suppressed: set[str] | frozenset = frozenset()
) -> Plan:
    # Checked on the raw values, before cleaning: an erased person's row with a bad address
    # must not land in the error report either.
    if record_suppressed(record, suppressed):
        return Plan("skip", {}, message=_("Erased on request; not imported again."))
    try:
        record = clean_record(record)
    except ValidationError as error:
        return Plan("error", record, message=error.messages[0])
    known = matcher.find(record)
    if known is None:
        return Plan("create", record)
    changes = {
        name: record[name] for name in FILLABLE if record.get(name) and not known.values.get(name)
    }
    new_emails = [e for e in record["emails"] if e not in known.emails]
    new_tags = [t for t in record.get("tags", []) if t.lower() not in known.tags]
    if not known.company and record["company"]:
        changes["company"] = record["company"]
    if changes or new_emails or new_tags:
        return Plan("update", record, known, changes, new_emails, new_tags)
    return Plan("skip", record, known)


def plan_learn(plan: Plan, matcher: Matcher, pk: int | None = None) -> None:
    """Remember what a planned row will leave in the database, for the rows after it."""
    record = plan.record
    if plan.action == "create":
        plan.known = Known(
            pk=pk,
            first_name=record["first_name"],
            last_name=record.get("last_name", ""),
            emails=list(record["emails"]),
            company=record["company"],
            values={name: record.get(name, "") for name in FILLABLE},
            tags={t.lower() for t in record.get("tags", [])},
        )
        matcher.add(plan.known)
    elif plan.action == "update":
        known = plan.known
        known.emails.extend(plan.new_emails)
        known.tags.update(t.lower() for t in plan.new_tags)
        known.values.update({k: v for k, v in plan.changes.items() if k in FILLABLE})
        known.company = known.company or plan.changes.get("company", "")
        matcher.add(known)


def preview(job: ImportJob, records: list[dict], sample: int = 10) -> dict:
    """Counts of what the import would do, and its first rows, without writing anything."""
    matcher = Matcher(job.workspace)
    suppressed = suppressed_in(job.workspace, records)
    counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
    rows = []
    for number, record in enumerate(records, start=1):
        plan = plan_row(record, matcher, suppressed)
        counts[plan.action] += 1
        plan_learn(plan, matcher)
        if number <= sample:
            rows.append((number, plan))
    return {"counts": counts, "rows": rows}


# --- the real run ---------------------------------------------------------------------------


def _tags(workspace, names: set[str]) -> dict[str, tuple[int, str]]:
    if not names:
        return {}
    return {
        t.name.lower(): (t.pk, t.name)
        for t in services.tags_for_names(workspace=workspace, names=names)
    }


def apply_batch(job: ImportJob, plans: list[tuple[int, Plan]], matcher: Matcher):
    """Write one batch's contacts; the caller holds the transaction and the job's lock.

    Returns the ids of the people it made, and the ``updated_at`` it gave the people it made
    or filled in (None if there were none)."""
    workspace = job.workspace
    now = timezone.now()
    companies = writes.company_ids_for_names(
        workspace=workspace,
        names={p.record["company"] for _n, p in plans if p.action == "create"}
        | {p.changes["company"] for _n, p in plans if "company" in p.changes},
        now=now,
    )
    tags = _tags(
        workspace,
        {t for _n, p in plans if p.action == "create" for t in p.record.get("tags", [])}
        | {t for _n, p in plans for t in p.new_tags},
    )
    to_create: list[Plan] = []
    for number, plan in plans:
        if plan.action == "error":
            job.error_count += 1
            job.errors.append({"row": number, "message": plan.message, "values": plan.record})
        elif plan.action == "skip":
            job.skipped_count += 1
        elif plan.action == "create":
            to_create.append(plan)
    new_ids = writes.people_create_many(
        workspace=workspace,
        owner=job.created_by,
        now=now,
        people=[
            {
                # The cleaned record holds the names, emails and FILLABLE values as written.
                **plan.record,
                "company": companies.get(plan.record["company"].lower()),
                "tags": [tags[name.lower()] for name in plan.record.get("tags", [])],
            }
            for plan in to_create
        ],
    )
    job.created_count += len(new_ids)

    updated = [plan for _n, plan in plans if plan.action == "update"]
    existing = Contact.objects.in_bulk([plan.known.pk for plan in updated if plan.known.pk])
    changed = []
    for plan in updated:
        contact = existing.get(plan.known.pk)
        if contact is None:  # a contact made earlier in this same batch: already complete
            job.skipped_count += 1
            continue
        for name, value in plan.changes.items():
            if name == "company":
                company = companies.get(value.lower())
                contact.company_id = company[0] if company else None
            else:
                setattr(contact, name, value)
        contact.emails = contact.emails + plan.new_emails
        changed.append((contact, plan))
    writes.people_fill_many(people=[c for c, _p in changed], now=now)
    job.updated_count += len(changed)

    through = Contact.tags.through
    through.objects.bulk_create(
        [
            through(contact_id=contact.pk, tag_id=tags[name.lower()][0])
            for contact, plan in changed
            for name in plan.new_tags
        ],
        ignore_conflicts=True,
    )
    services.contacts_refresh_search(contact_ids=[c.pk for c, _p in changed])
    for pk, plan in zip(new_ids, to_create, strict=True):
        plan.known.pk = pk  # the rows after it that match this person now fill it in
    return new_ids, (now if new_ids or changed else None)


def _records_left(job: ImportJob) -> list[dict]:
    """The file's rows after an erasure rewrote it: none when it took out every row."""
    try:
        return read_records(job)
    except ImportRefused:
        return []


class BatchGuard:
    """What a batch must see whole: the workspace's people as they are now.

    Each batch holds the workspace's people lock (``contacts.locks``, taken in ``import_run``),
    shared with every other import's batches and with erasure. Inside it, the matcher is
    rebuilt when someone else changed the workspace's people since this run's last batch
    (another import, a form), the suppression list is read again, and the file's rows are
    read again if an erasure took a person out of them. So two runs at once cannot both
    create a person, and an erasure mid-run is not undone.
    """

    def __init__(self, job: ImportJob, records: list[dict]):
        self.workspace = job.workspace
        self.text, self.records = job.text, records
        self.matcher: Matcher | None = None
        self.seen = None

    def _fingerprint(self) -> dict:
        return Contact.objects.filter(workspace=self.workspace).aggregate(
            n=Count("pk"), top=Max("pk"), last=Max("updated_at")
        )

    def enter(self, job: ImportJob, batch_size: int):
        """Called holding the workspace's people lock and the job's row."""
        if job.text != self.text:
            self.text, self.records = job.text, _records_left(job)
        found = self._fingerprint()
        if self.matcher is None or found != self.seen:
            self.matcher = Matcher(self.workspace)
        self.seen = found
        rows = self.records[job.processed_rows : job.processed_rows + batch_size]
        return self.records, self.matcher, suppressed_in(self.workspace, rows)

    def leave(self, created: list[int], wrote_at) -> None:
        """After this batch's writes: what the next batch expects if nobody else wrote.

        Worked out from the batch's own writes rather than counted again: people made
        (``created``) and people made or filled in, whose ``updated_at`` is ``wrote_at``."""
        seen = dict(self.seen)
        if created:
            seen["n"] += len(created)
            seen["top"] = max(seen["top"] or 0, *created)
        if wrote_at is not None:
            seen["last"] = max(seen["last"], wrote_at) if seen["last"] else wrote_at
        self.seen = seen


def _commit_without_waiting_for_disk() -> None:
    """A batch's commit returns before its WAL reaches the disk (PostgreSQL's
    ``synchronous_commit = off``, for this transaction only): a wait per batch saved.

    Safe for the offset: a crash can lose only the last batches' commits, rows and offset
    together, and the run carries on from the offset that survived. Whatever another transaction
    saw of them and committed (an erasure, the end of the run) is on disk first, since its own
    commit flushes the log up to it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


@contextlib.contextmanager
def _cyclic_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a run works; reference counting still frees its
    garbage at once.

    A run holds about a million objects at its peak (the workspace's people in the matcher,
    the file's rows, the plans), and leaves few cycles. Each full pass of the collector walks
    all of them, and their growth set off several: a fifth of the run's Python time, for a few
    dozen objects freed. The collector resumes when the run ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_run(*, job_id: int, batch_size: int = BATCH_SIZE) -> ImportJob:
    """Work through the job from its committed offset; each batch commits whole or not at all.

    A worker killed mid-batch leaves the batch unwritten and the offset where it was, so the
    job can simply be run again; two runs at once take turns on the job's row lock.
    """
    with _cyclic_collector_paused():
        return _import_run(job_id=job_id, batch_size=batch_size)


def _import_run(*, job_id: int, batch_size: int) -> ImportJob:
    job = ImportJob.objects.select_related("workspace", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    records = _records_left(job) if job.kind == ImportJob.Kind.VCARD else read_records(job)
    guard = BatchGuard(job, records)
    ImportJob.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.RUNNING, total_rows=len(records)
    )
    while True:
        with transaction.atomic():
            _commit_without_waiting_for_disk()
            # The people lock first, the job's row second: erasure takes them in this order.
            workspace_people_lock(guard.workspace.pk)
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("workspace", "created_by")
                .get(pk=job_id)
            )
            records, matcher, suppressed = guard.enter(job, batch_size)
            start = job.processed_rows
            if start >= len(records) or job.is_finished:
                break
            batch = []
            for number in range(start + 1, min(start + batch_size, len(records)) + 1):
                plan = plan_row(records[number - 1], matcher, suppressed)
                plan_learn(plan, matcher)
                batch.append((number, plan))
            guard.leave(*apply_batch(job, batch, matcher))
            job.processed_rows = start + len(batch)
            # Not the file's text: rewriting megabytes per batch would cost more than the rows.
            job.save(
                update_fields=[
                    "processed_rows",
                    "created_count",
                    "updated_count",
                    "skipped_count",
                    "error_count",
                    "errors",
                    "updated_at",
                ]
            )
    with transaction.atomic():
        # Done: the file's text goes (only the summary and the rows in error stay, until
        # the retention purge, contacts.importing.retention).
        finished = (
            ImportJob.objects.filter(pk=job_id)
            .exclude(status=ImportJob.Status.DONE)
            .update(status=ImportJob.Status.DONE, finished_at=timezone.now(), text="")
        )
        job.refresh_from_db()
        if finished:  # once, even when two runs of the job race to the end
            signals.import_finished.send(sender=ImportJob, job=job)
    return job


def import_fail(*, job_id: int, error: Exception) -> None:
    """An unexpected error: keep the committed batches, say so, and allow running it again."""
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.FAILED, failure=str(error)[:2000]
    )
