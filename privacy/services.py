"""GDPR writes: lawful basis, anonymisation, erasure, subject-access export, audit, retention.

Anonymisation, erasure and export walk the rows tied to a contact through the models' reverse
relations (interviews, their notes, objectives, answers, assessment; follow-ups and their
reminders; whatever the other apps add later), so a new model is covered without being named
here. ``PERSONAL_FIELDS`` says which text of those rows is about the person; a test fails when a
model gains a text field that is neither there nor in ``KEPT_FIELDS``.
"""

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace
from contacts import signals as contact_signals
from contacts.models import Contact, ImportJob
from privacy.models import (
    RETENTION_WARNING_DAYS,
    AuditEvent,
    ContactPrivacy,
    RetentionPolicy,
    RetentionWarning,
    Suppression,
)

ANONYMISED_NAME = "Anonymised"

# Text about the person, blanked by anonymisation (model label -> fields).
PERSONAL_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {
        "first_name", "last_name", "emails", "phone", "title", "location", "linkedin_url",
        "summary", "search_text",
    },
    "interviews.interview": {"location", "meeting_url", "purpose", "status_reason"},
    "interviews.interviewtext": {"research", "scratch"},
    "interviews.objective": {"text", "insight"},
    "interviews.interviewquestion": {"text", "answer"},
    "interviews.prepitem": {"text"},
    "interviews.note": {"body"},
    "interviews.assessment": {"skills", "roles_in_mind", "availability"},
    "followups.followup": {"title", "message", "subject", "message_id"},
    "followups.reminder": {"last_error", "message_id"},
}  # fmt: skip
# Text of those rows that says nothing about the person (codes, settings).
KEPT_FIELDS: dict[str, set[str]] = {
    "contacts.contact": {"search_vector"},
    "interviews.interview": {"time_zone"},
    "followups.reminder": {"reason"},
}
# Rows that are judgements about the person: they go altogether.
DELETED_MODELS = {"interviews.assessment"}
# Our own bookkeeping, tied to the contact but holding no text about them.
OWN_MODELS = {"privacy.contactprivacy", "privacy.retentionwarning"}


# --- rows tied to a contact -------------------------------------------------------------------


def related_models(model=Contact, path: str = "", depth: int = 0) -> Iterator[tuple[type, str]]:
    """(model, lookup to the contact's pk) for every model whose rows hang off a contact."""
    if not path:
        yield Contact, "pk"
    for rel in model._meta.related_objects:
        if rel.many_to_many or rel.related_model is Contact:
            continue  # tags are shared; contacts they introduced are other people
        lookup = f"{rel.field.name}__{path}" if path else rel.field.name
        yield rel.related_model, lookup
        if depth < 3:
            yield from related_models(rel.related_model, lookup, depth + 1)


def _rows(contact: Contact) -> Iterator[tuple[str, models.QuerySet]]:
    seen: dict[str, Q] = {}
    for model, lookup in related_models():
        label = model._meta.label_lower
        seen[label] = seen.get(label, Q()) | Q(**{lookup: contact.pk})
    models_by_label = {m._meta.label_lower: m for m, _lookup in related_models()}
    for label, condition in seen.items():
        manager = models_by_label[label]._base_manager
        yield label, manager.filter(pk__in=manager.filter(condition).values("pk"))


NON_TEXT_TYPES = {
    "AutoField", "BigAutoField", "BooleanField", "DateField", "DateTimeField", "DurationField",
    "IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SmallIntegerField", "FloatField", "DecimalField", "UUIDField",
}  # fmt: skip


def text_fields(model) -> set[str]:
    """Names of the fields that can hold free text (not choice codes)."""
    names = set()
    for field in model._meta.concrete_fields:
        if field.is_relation or getattr(field, "choices", None):
            continue
        free_text = isinstance(
            field, models.CharField | models.TextField | ArrayField | models.JSONField
        )
        if free_text or field.get_internal_type() not in NON_TEXT_TYPES:
            names.add(field.name)
    return names


# --- audit ----------------------------------------------------------------------------------


def audit_record(
    *,
    workspace: Workspace,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
) -> AuditEvent | None:
    """Append one event (team workspaces only). Ids only: never a name or an address."""
    if not workspace.is_team:
        return None
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    if action not in AuditEvent.Action.values or not object_type or object_id is None:
        raise ValueError("audit_record needs a known action and an object")
    return AuditEvent.objects.create(
        workspace=workspace,
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        at=timezone.now(),
    )


def audit_record_many(
    *, workspace: Workspace, actor: User | None, action: str, model, object_ids: Iterable[int]
) -> int:
    """One event per object, written in batches: an export or a bulk change of many contacts."""
    if not workspace.is_team:
        return 0
    if action not in AuditEvent.Action.values:
        raise ValueError("audit_record_many needs a known action")
    now, object_type = timezone.now(), model._meta.label_lower
    events = (
        AuditEvent(
            workspace=workspace,
            actor_id=getattr(actor, "pk", None),
            action=action,
            object_type=object_type,
            object_id=object_id,
            at=now,
        )
        for object_id in object_ids
    )
    return len(AuditEvent.objects.bulk_create(events, batch_size=2000))


# --- lawful basis and the privacy notice ------------------------------------------------------


@transaction.atomic
def contact_privacy_for(contact: Contact) -> ContactPrivacy:
    """The contact's privacy record, made if missing; two (after a merge) are folded into one."""
    rows = list(ContactPrivacy.objects.select_for_update().filter(contact=contact).order_by("pk"))
    if not rows:
        return ContactPrivacy.objects.create(workspace_id=contact.workspace_id, contact=contact)
    if len(rows) == 1:
        return rows[0]
    return _privacy_fold(rows)


def _privacy_fold(rows: list[ContactPrivacy]) -> ContactPrivacy:
    rank = {
        ContactPrivacy.LawfulBasis.CONSENT: 0,
        ContactPrivacy.LawfulBasis.LEGITIMATE_INTEREST: 1,
    }
    keep = min(rows, key=lambda row: (rank.get(row.lawful_basis, 2), row.pk))
    sent = [row.privacy_notice_sent_at for row in rows if row.privacy_notice_sent_at]
    keep.privacy_notice_sent_at = min(sent) if sent else None
    # Anonymised only if every part of the merged person was: otherwise it holds data again.
    anonymised = [row.anonymised_at for row in rows]
    keep.anonymised_at = None if None in anonymised else max(anonymised)
    ContactPrivacy.objects.filter(pk__in=[row.pk for row in rows if row.pk != keep.pk]).delete()
    keep.save()
    return keep


@transaction.atomic
def contact_lawful_basis_set(
    *, contact: Contact, lawful_basis: str, consent_at: datetime | None, actor: User | None
) -> ContactPrivacy:
    privacy = contact_privacy_for(contact)
    privacy.lawful_basis = lawful_basis
    privacy.consent_at = consent_at if lawful_basis == ContactPrivacy.LawfulBasis.CONSENT else None
    privacy.full_clean()
    privacy.save()
    audit_record(workspace=contact.workspace, actor=actor, action="changed", obj=contact)
    return privacy


def retention_policy_for(workspace: Workspace) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(workspace=workspace)
    return policy


def retention_policy_update(
    *, workspace: Workspace, enabled: bool, months: int, privacy_notice_url: str
) -> RetentionPolicy:
    policy = retention_policy_for(workspace)
    policy.enabled, policy.months = enabled, months
    policy.privacy_notice_url = privacy_notice_url
    policy.full_clean()
    policy.save()
    return policy


def privacy_footer_for(contact: Contact, *, mark_sent: bool = True) -> str:
    """The privacy-notice paragraph for an email to ``contact``, or "" if they already had it.

    Call it in the transaction that records the email; with ``mark_sent=False`` call
    ``privacy_notice_mark_sent`` once the email has gone. Team workspaces only.
    """
    if not contact.workspace.is_team:
        return ""
    url = (
        RetentionPolicy.objects.filter(workspace_id=contact.workspace_id)
        .values_list("privacy_notice_url", flat=True)
        .first()
    )
    if not url:
        return ""
    privacy = contact_privacy_for(contact)
    if privacy.privacy_notice_sent_at is not None:
        return ""
    if mark_sent and not privacy_notice_mark_sent(contact=contact):
        return ""  # another email claimed the notice first
    return _("How %(team)s handles your personal data: %(url)s") % {
        "team": contact.workspace.name,
        "url": url,
    }


def privacy_notice_mark_sent(*, contact: Contact) -> bool:
    """True if this call is the one that marked it (a conditional UPDATE decides)."""
    contact_privacy_for(contact)
    return bool(
        ContactPrivacy.objects.filter(contact=contact, privacy_notice_sent_at=None).update(
            privacy_notice_sent_at=timezone.now()
        )
    )


# --- suppression --------------------------------------------------------------------------


def _normalise(kind: str, value: str) -> str:
    value = (value or "").strip().lower()
    if kind == Suppression.Kind.LINKEDIN and value:
        from contacts.services import normalise_linkedin

        value = normalise_linkedin(value).lower()
    return value


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(_normalise(kind, value).encode()).hexdigest()


def is_suppressed(workspace: Workspace, *, email: str = "", linkedin_url: str = "") -> bool:
    """Was this person erased from ``workspace`` on request? (For the contacts import.)"""
    wanted = Q(pk__in=[])
    if _normalise(Suppression.Kind.EMAIL, email):
        wanted |= Q(kind=Suppression.Kind.EMAIL, value_hash=_hash("email", email))
    if _normalise(Suppression.Kind.LINKEDIN, linkedin_url):
        wanted |= Q(kind=Suppression.Kind.LINKEDIN, value_hash=_hash("linkedin", linkedin_url))
    return Suppression.objects.filter(wanted, workspace=workspace).exists()


def suppressed_values(
    workspace: Workspace, *, emails: Iterable[str] = (), linkedin_urls: Iterable[str] = ()
) -> set[str]:
    """Which of these addresses and profiles were erased on request (one query, for imports)."""
    by_hash = {}
    for kind, values in (
        (Suppression.Kind.EMAIL, emails),
        (Suppression.Kind.LINKEDIN, linkedin_urls),
    ):
        for value in values:
            if _normalise(kind, value):
                by_hash.setdefault((kind, _hash(kind, value)), []).append(value)
    if not by_hash:
        return set()
    found = Suppression.objects.filter(
        workspace=workspace, value_hash__in=[h for _kind, h in by_hash]
    ).values_list("kind", "value_hash")
    return {value for key in found for value in by_hash.get(tuple(key), [])}


def _suppress(contact: Contact) -> None:
    values = [(Suppression.Kind.EMAIL, e) for e in contact.emails if e.strip()]
    if contact.linkedin_url.strip():
        values.append((Suppression.Kind.LINKEDIN, contact.linkedin_url))
    Suppression.objects.bulk_create(
        [
            Suppression(workspace_id=contact.workspace_id, kind=kind, value_hash=_hash(kind, v))
            for kind, v in values
        ],
        ignore_conflicts=True,
    )


# --- anonymise and erase ------------------------------------------------------------------


def _identifiers(contact: Contact) -> list[str]:
    values = [*contact.emails, contact.linkedin_url, contact.phone, contact.full_name]
    return [v for v in values if v and len(v) >= 3]


def _scrub_imports(contact: Contact) -> None:
    """Uploaded files keep the raw text of every row: take this person out of them.

    A finished import needs its text no more, so it goes; one still running keeps its rows
    (it resumes by row number) with the person's addresses and names cut out.
    """
    needles = _identifiers(contact)
    names = [n for n in (contact.first_name, contact.last_name) if len(n) >= 2]
    match = Q(pk__in=[])
    for needle in needles:
        match |= Q(text__icontains=needle) | Q(errors__icontains=needle)
    if len(names) == 2:
        match |= Q(text__icontains=names[0]) & Q(text__icontains=names[1])
    jobs = ImportJob.objects.filter(match, workspace_id=contact.workspace_id)
    finished = [ImportJob.Status.DONE, ImportJob.Status.FAILED]
    jobs.filter(status__in=finished).update(text="", errors=[], failure="")
    for job in jobs.exclude(status__in=finished):
        text = job.text
        for needle in needles:
            text = _replace_ci(text, needle)
        ImportJob.objects.filter(pk=job.pk).update(text=text, errors=[])


def _replace_ci(text: str, needle: str) -> str:
    import re

    return re.sub(re.escape(needle), "", text, flags=re.IGNORECASE)


def _scrub_admin_log(contact: Contact, *, delete: bool) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
    )
    if delete:
        entries.delete()
    else:
        entries.update(object_repr=ANONYMISED_NAME, change_message="")


def _blank(model, names: set[str]) -> dict:
    values = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, ArrayField):
            values[name] = []
        elif isinstance(field, models.JSONField):
            values[name] = field.get_default()
        else:
            values[name] = ""
    return values


@transaction.atomic
def contact_anonymise(*, contact: Contact, actor: User | None = None) -> Contact:
    """Strip the person out of the contact and everything tied to it; the rows stay.

    Names become "Anonymised"; addresses, notes, answers, messages go; the assessment and
    anything still pending (follow-ups, reminders) are deleted. Stages, dates, statuses and
    counts stay, so the reports' numbers do not change.
    """
    from contacts.services import contacts_refresh_search
    from followups.models import FollowUp, Reminder

    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _scrub_imports(contact)
    _scrub_admin_log(contact, delete=False)
    FollowUp.objects.filter(contact=contact, status__in=FollowUp.PENDING_STATUSES).delete()
    Reminder.objects.filter(followup__contact=contact, state=Reminder.State.PENDING).delete()
    for label, rows in _rows(contact):
        if label in DELETED_MODELS:
            rows.delete()
        elif label in PERSONAL_FIELDS and label != "contacts.contact":
            fields = _blank(rows.model, PERSONAL_FIELDS[label])
            rows.update(**fields)
    contact.tags.clear()
    now = timezone.now()
    blanks = _blank(Contact, PERSONAL_FIELDS["contacts.contact"])
    blanks["first_name"] = ANONYMISED_NAME
    Contact.objects.filter(pk=contact.pk).update(
        **blanks, company=None, archived_at=Coalesce("archived_at", now), updated_at=now
    )
    contacts_refresh_search(contact_ids=[contact.pk])
    privacy = contact_privacy_for(contact)
    ContactPrivacy.objects.filter(pk=privacy.pk).update(anonymised_at=now)
    audit_record(workspace=contact.workspace, actor=actor, action="anonymised", obj=contact)
    contact_signals.contact_erased.send(
        sender=Contact, workspace_id=contact.workspace_id, contact_id=contact.pk, how="anonymised"
    )
    contact.refresh_from_db()
    return contact


@transaction.atomic
def contact_erase(*, contact: Contact, actor: User | None) -> None:
    """Delete the person and everything tied to them, and keep them from being imported again."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    audit_record(workspace=contact.workspace, actor=actor, action="deleted", obj=contact)
    _suppress(contact)
    _scrub_imports(contact)
    _scrub_admin_log(contact, delete=True)
    workspace_id, contact_id = contact.workspace_id, contact.pk
    contact.delete()
    contact_signals.contact_erased.send(
        sender=Contact, workspace_id=workspace_id, contact_id=contact_id, how="erased"
    )


# --- subject-access export ----------------------------------------------------------------

SKIPPED_EXPORT_FIELDS = {"search_vector", "search_text"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _serialise(row: models.Model) -> dict:
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in SKIPPED_EXPORT_FIELDS:
            continue
        key = field.attname
        value = getattr(row, key)
        data[field.name if not field.is_relation else key] = _plain(value)
    return data


def contact_subject_access_export(*, contact: Contact) -> dict:
    """Everything held about one person, as plain JSON-ready data. Nothing of anyone else."""
    records = {}
    for label, rows in _rows(contact):
        if label == "contacts.contact":
            continue
        records[label] = [_serialise(row) for row in rows.order_by("pk")]
    person = _serialise(contact)
    person["company_name"] = contact.company.name if contact.company_id else ""
    person["tags"] = sorted(contact.tags.values_list("name", flat=True))
    person["owner_name"] = contact.owner.name if contact.owner_id else ""
    return {
        "generated_at": timezone.now().isoformat(),
        "workspace": contact.workspace.name,
        "contact": person,
        "records": records,
    }


def subject_access_csv(export: dict) -> str:
    """One line per value: record type, record id, field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "id", "field", "value"])
    person = export["contact"]
    for name, value in person.items():
        writer.writerow(["contacts.contact", person["id"], name, _cell(value)])
    for label, rows in export["records"].items():
        for row in rows:
            for name, value in row.items():
                writer.writerow([label, row.get("id", ""), name, _cell(value)])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, sort_keys=True)
    text = str(value)
    # Spreadsheets run cells that start with these as formulas.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


# --- retention ------------------------------------------------------------------------------


def _last_touch():
    return Coalesce("last_interaction_at", "created_at")


def retention_due_on(contact: Contact, months: int) -> date:
    basis = contact.last_interaction_at or contact.created_at
    return (basis + relativedelta(months=months)).date()


def retention_candidates(*, workspace: Workspace, policy: RetentionPolicy, until: datetime):
    """Contacts not yet anonymised whose retention ends on or before ``until``."""
    return (
        Contact.objects.filter(workspace=workspace)
        .exclude(
            pk__in=ContactPrivacy.objects.filter(anonymised_at__isnull=False).values("contact")
        )
        .alias(touch=_last_touch())
        .filter(touch__lte=until - relativedelta(months=policy.months))
        .order_by("pk")
    )


def _policies() -> Iterator[tuple[Workspace, RetentionPolicy]]:
    policies = {p.workspace_id: p for p in RetentionPolicy.objects.all()}
    for workspace in Workspace.objects.filter(kind=Workspace.Kind.TEAM).order_by("pk"):
        policy = policies.get(workspace.pk) or RetentionPolicy(workspace=workspace)
        if policy.enabled:
            yield workspace, policy


RETENTION_LOCK = 72070


def _lock(key: int, workspace_id: int) -> None:
    """Serialise the retention pass per workspace until the end of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [key, workspace_id])


def retention_warn(*, workspace: Workspace, policy: RetentionPolicy, now: datetime) -> int:
    """Write the warnings due within 7 days and email the admins about the unsent ones."""
    soon = now + timedelta(days=RETENTION_WARNING_DAYS)
    with transaction.atomic():
        _lock(RETENTION_LOCK, workspace.pk)
        contacts = list(retention_candidates(workspace=workspace, policy=policy, until=soon))
        known = set(
            RetentionWarning.objects.filter(contact__in=contacts).values_list("contact", "due_on")
        )
        wanted = {(c.pk, retention_due_on(c, policy.months)) for c in contacts}
        RetentionWarning.objects.bulk_create(
            [
                RetentionWarning(workspace=workspace, contact_id=pk, due_on=due_on)
                for pk, due_on in sorted(wanted - known)
            ]
        )
    with transaction.atomic():
        warnings = list(
            RetentionWarning.objects.select_for_update(skip_locked=True)
            .filter(workspace=workspace, sent_at=None)
            .select_related("contact")
            .order_by("due_on", "pk")
        )
        if not warnings:
            return 0
        _email_admins(workspace, warnings)
        RetentionWarning.objects.filter(pk__in=[w.pk for w in warnings]).update(sent_at=now)
    return len(warnings)


def _email_admins(workspace: Workspace, warnings: list[RetentionWarning]) -> None:
    admins = list(
        Membership.objects.filter(
            workspace=workspace, role__in=[Membership.Role.ADMIN, Membership.Role.OWNER]
        ).values_list("user__email", flat=True)
    )
    if not admins:
        return
    from django.urls import reverse

    context = {
        "workspace": workspace,
        "warnings": warnings,
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL
        + reverse("privacy:settings", kwargs={"ws": workspace.slug}),
        "days": RETENTION_WARNING_DAYS,
    }
    subject = _("%(count)d contacts of %(team)s will be anonymised in %(days)d days") % {
        "count": len(warnings),
        "team": workspace.name,
        "days": RETENTION_WARNING_DAYS,
    }
    body = render_to_string("privacy/email/retention_warning.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=admins).send()


def retention_anonymise(*, workspace: Workspace, policy: RetentionPolicy, now: datetime) -> int:
    """Anonymise contacts past retention whose admins were warned at least 7 days ago."""
    warned_before = now - timedelta(days=RETENTION_WARNING_DAYS)
    done = 0
    for contact in retention_candidates(workspace=workspace, policy=policy, until=now):
        due_on = retention_due_on(contact, policy.months)
        warned = RetentionWarning.objects.filter(
            contact=contact, due_on=due_on, sent_at__lte=warned_before
        ).exists()
        if warned:
            contact_anonymise(contact=contact, actor=None)
            done += 1
    return done


def retention_run(*, now: datetime | None = None) -> dict:
    """The daily pass over every team workspace: warn first, anonymise a week later."""
    now = now or timezone.now()
    warned = anonymised = 0
    for workspace, policy in _policies():
        warned += retention_warn(workspace=workspace, policy=policy, now=now)
        anonymised += retention_anonymise(workspace=workspace, policy=policy, now=now)
    return {"warned": warned, "anonymised": anonymised}
