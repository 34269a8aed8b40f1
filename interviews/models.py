from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Interview(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="interviews"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="interviews"
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    # The zone the time was entered in, so the .ics and the edit form speak the planner's time.
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/London")
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode, default=Mode.VIDEO)
    location = models.CharField(_("place"), max_length=255, blank=True)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PLANNED)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    # RFC 5545 SEQUENCE: bumped on every change a calendar must notice.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "starts_at"]),
            models.Index(fields=["workspace", "status"]),
        ]

    def __str__(self):
        return f"{self.contact} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("interviews:detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})
