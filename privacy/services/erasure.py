"""Taking a person out: anonymise (the rows stay, the person goes) or erase (everything goes)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from contacts import erasure as contact_erasure
from contacts import signals as contact_signals
from contacts.counts import contacts_changed
from contacts.locks import workspace_people_lock
from contacts.models import Contact
from contacts.services import contacts_refresh_search
from followups.models import FollowUp, Reminder
from privacy.models import ContactPrivacy
from privacy.services.basis import contact_privacy_for
from privacy.services.records import DELETED_MODELS, PERSONAL_FIELDS, contact_rows

ANONYMISED_NAME = "Anonymised"


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
    workspace_people_lock(contact.workspace_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    words = contact_erasure.contact_words(contact)
    contact_erasure.contact_traces_scrub(contact=contact)
    contact_erasure.admin_log_scrub(contact_id=contact.pk, delete=False, name=ANONYMISED_NAME)
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
    contact_erasure.search_words_prune(workspace_id=contact.workspace_id, words=words)
    privacy = contact_privacy_for(contact)
    ContactPrivacy.objects.filter(pk=privacy.pk).update(anonymised_at=now)
    audit_record(workspace=contact.workspace, actor=actor, action="anonymised", obj=contact)
    contact_signals.contact_erased.send(
        sender=Contact, workspace_id=contact.workspace_id, contact_id=contact.pk, how="anonymised"
    )
    contact.refresh_from_db()
    return contact


def contact_erase(*, contact: Contact, actor: User | None) -> None:
    """Delete the person and everything tied to them, and keep them from being added again."""
    contact_erasure.contact_erase(contact=contact, actor=actor, suppress=True)
    contacts_changed(workspace_id=contact.workspace_id)
