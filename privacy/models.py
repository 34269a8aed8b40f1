"""GDPR records: lawful basis per contact, retention, suppression and the append-only audit log.

None of these rows holds a name or an email address: suppression keeps hashes, the audit log
keeps ids. That way erasing a person leaves nothing of them here but a hash and numbers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_MONTHS = 24
RETENTION_WARNING_DAYS = 7


class ContactPrivacy(models.Model):
    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    # A foreign key, not one-to-one, and no unique constraint: merging two contacts moves every
    # row of the one that goes onto the one that stays, so for a moment a contact may have two;
    # ``services.contact_privacy_for`` folds them into one.
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="privacy_records"
    )
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=24, choices=LawfulBasis, blank=True
    )
    consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    privacy_notice_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact privacy record")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(lawful_basis="consent") | models.Q(consent_at__isnull=False),
                name="privacy_consent_has_a_date",
            )
        ]

    def __str__(self):
        return f"Privacy of contact {self.contact_id}"


class RetentionPolicy(models.Model):
    """One per workspace; a workspace without a row uses the defaults below."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="retention_policy"
    )
    enabled = models.BooleanField(_("anonymise contacts automatically"), default=True)
    months = models.PositiveSmallIntegerField(
        _("months after the last interaction"), default=DEFAULT_RETENTION_MONTHS
    )
    privacy_notice_url = models.URLField(
        _("privacy notice link"),
        blank=True,
        help_text=_("Added to the first email Infoview sends to each contact."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months__gte=1), name="privacy_retention_at_least_a_month"
            )
        ]

    def __str__(self):
        return f"Retention of workspace {self.workspace_id}"


class RetentionWarning(models.Model):
    """Admins were (or are about to be) told that ``contact`` is anonymised on ``due_on``.

    One per contact and due date: a contact whose last interaction moves gets a new date and a
    new warning; running the daily task twice warns once. That is kept by the task (under a
    lock per workspace), not by a unique constraint, so that merging contacts never fails.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="retention_warnings"
    )
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["contact", "due_on"], name="privacy_warning_due_idx")]

    def __str__(self):
        return f"Contact {self.contact_id} due {self.due_on}"


class Suppression(models.Model):
    """A person erased on request: an import must not bring them back. Hashes only."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        LINKEDIN = "linkedin", _("LinkedIn URL")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind)
    value_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "value_hash"], name="privacy_suppression_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.value_hash[:12]}…"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """Who did what to which record, and when. Ids only; rows are never changed or deleted.

    No foreign keys on purpose: erasing a contact or deleting a user must leave their events in
    place (a database trigger refuses UPDATE and DELETE on this table too).
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")
        CHANGED = "changed", _("Changed")
        MERGED = "merged", _("Merged")
        ANONYMISED = "anonymised", _("Anonymised")
        DELETED = "deleted", _("Deleted")

    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=Action)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "-at"], name="privacy_audit_ws_at_idx"),
            models.Index(
                fields=["workspace", "object_type", "object_id"], name="privacy_audit_obj_idx"
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")
