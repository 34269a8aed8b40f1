from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", _("Thank-you")
        KEEP_IN_TOUCH = "keep_in_touch", _("Keep in touch")
        UPDATE = "update", _("Send an update")
        ADVICE = "advice", _("Ask for advice")
        REFERRAL = "referral", _("Ask for a referral")
        CUSTOM = "custom", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")
        SNOOZED = "snoozed", _("Snoozed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINKEDIN = "linkedin", _("LinkedIn")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="followups"
    )
    interview = models.ForeignKey(
        "interviews.Interview",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="followups"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["workspace", "status", "due_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.contact}"
