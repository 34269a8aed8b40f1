"""GDPR records: lawful basis per contact, retention and its warnings.

None of these rows holds a name or an email address. (The audit log lives in accounts and the
suppression list in contacts: apps below privacy write to them.)
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
    # When the admins' email was accepted by the mail server: the week of notice starts here.
    sent_at = models.DateTimeField(null=True, blank=True)
    # The admins' email in the outbox; a failed one is queued again at the next daily run.
    outgoing = models.ForeignKey(
        "accounts.OutgoingMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["contact", "due_on"], name="privacy_warning_due_idx")]

    def __str__(self):
        return f"Contact {self.contact_id} due {self.due_on}"
