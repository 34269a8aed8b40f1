from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Opening(models.Model):
    """A role the team is sourcing for from past conversations."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    # Lowercase, like Assessment.skills, so the talent pool matches with an array overlap.
    skills = ArrayField(
        models.CharField(max_length=60), verbose_name=_("skills"), default=list, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:opening_detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})


class ShortlistEntry(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="shortlist")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # The "ask for a referral" follow-up opened from the shortlist, if any.
    referral_followup = models.ForeignKey(
        "followups.FollowUp", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "contact"], name="reports_shortlist_unique_contact"
            )
        ]

    def __str__(self):
        return f"{self.contact_id} for {self.opening_id}"
