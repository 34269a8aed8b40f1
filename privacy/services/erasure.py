"""Taking a person out: anonymise (the rows stay, the person goes) or erase (everything goes)."""

import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from contacts import signals as contact_signals
from contacts.counts import contacts_changed
from contacts.models import Contact, ImportJob
from contacts.services import contacts_refresh_search
from contacts.suppression import contact_suppress
from followups.models import FollowUp, Reminder
from privacy.models import ContactPrivacy
from privacy.services.basis import contact_privacy_for
from privacy.services.records import DELETED_MODELS, PERSONAL_FIELDS, contact_rows

ANONYMISED_NAME = "Anonymised"


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
    return re.sub(re.escape(needle), "", text, flags=re.IGNORECASE)


def _scrub_admin_log(contact: Contact, *, delete: bool) -> None:
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
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _scrub_imports(contact)
    _scrub_admin_log(contact, delete=False)
    FollowUp.objects.filter(contact=contact, status__in=FollowUp.PENDING_STATUSES).delete()
    Reminder.objects.filter(followup__contact=contact, state=Reminder.State.PENDING).delete()
    for label, rows in contact_rows(contact):
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
    contact_suppress(contact=contact)
    _scrub_imports(contact)
    _scrub_admin_log(contact, delete=True)
    workspace_id, contact_id = contact.workspace_id, contact.pk
    contact.delete()
    contacts_changed(workspace_id=workspace_id)
    contact_signals.contact_erased.send(
        sender=Contact, workspace_id=workspace_id, contact_id=contact_id, how="erased"
    )
