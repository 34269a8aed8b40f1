"""The lawful basis held for each contact, and the privacy notice sent with the first email."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from contacts.models import Contact
from privacy.models import ContactPrivacy, RetentionPolicy


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


class PrivacyNoticeFooter:
    """The notice as a footer of the emails follow-ups send (see ``followups.mail_hooks``).

    Marked sent only once the SMTP server accepted the email, so a refused email leaves the
    notice for the next one.
    """

    def footer_for(self, contact: Contact) -> str:
        return privacy_footer_for(contact, mark_sent=False)

    def mark_sent(self, contact: Contact) -> None:
        privacy_notice_mark_sent(contact=contact)


privacy_notice_footer = PrivacyNoticeFooter()
