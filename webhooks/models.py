"""Webhook endpoints, the outbox of deliveries, and the log of every attempt."""

import base64
import re
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What an endpoint can subscribe to; the value is the payload's ``type``."""

    CONTACT_CREATED = "contact.created", _("Contact created")
    CONTACT_UPDATED = "contact.updated", _("Contact updated")
    CONTACT_ARCHIVED = "contact.archived", _("Contact archived")
    CONTACT_ERASED = "contact.erased", _("Contact erased (ids only)")
    INTERVIEW_SCHEDULED = "interview.scheduled", _("Interview scheduled")
    INTERVIEW_COMPLETED = "interview.completed", _("Interview completed")
    INTERVIEW_CANCELLED = "interview.cancelled", _("Interview cancelled")
    FOLLOWUP_DUE = "followup.due", _("Follow-up due")
    FOLLOWUP_DONE = "followup.done", _("Follow-up done")
    IMPORT_FINISHED = "import.finished", _("Import finished")


# Sent only by the "Send a test event" button, to the one endpoint it is pressed on.
TEST_EVENT = "webhook.test"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Endpoint(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=Event), verbose_name=_("events"))
    secret = models.CharField(max_length=64, default=new_secret)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # Failed attempts since the last success, and when that run of failures began: the
    # endpoint is switched off when either passes its limit (webhooks/delivery.py).
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["workspace", "is_active"])]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    def disabled_reason_text(self) -> str:
        """Why it was switched off, in the reader's language.

        The stored reason is written in English by the worker (webhooks/delivery.py) in one of
        two shapes; anything else (an older row, an operator's edit) is shown as stored.
        """
        reason = self.disabled_reason
        if match := _FAILURES_REASON.fullmatch(reason):
            count = int(match["count"])
            return ngettext(
                "%(count)d failed attempt in a row", "%(count)d failed attempts in a row", count
            ) % {"count": count}
        if match := _SINCE_REASON.fullmatch(reason):
            return gettext("every attempt failed since %(since)s UTC") % {"since": match["since"]}
        return reason


# The two reasons webhooks/delivery.py stores when it switches an endpoint off.
FAILURES_REASON = "{failures} failed attempts in a row"
SINCE_REASON = "every attempt failed since {since:%Y-%m-%d %H:%M} UTC"
_FAILURES_REASON = re.compile(r"(?P<count>\d+) failed attempts in a row")
_SINCE_REASON = re.compile(r"every attempt failed since (?P<since>\d{4}-\d\d-\d\d \d\d:\d\d) UTC")


class Delivery(models.Model):
    """One event for one endpoint: a row of the outbox until it is delivered or given up."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")
        CANCELLED = "cancelled", _("Cancelled")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The webhook-id header: the same for every attempt, and for every endpoint of one event.
    msg_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    # The person the payload is about (not a foreign key: the row outlives an erasure, and
    # its payload is then stripped to ids).
    contact_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField()
    # After a failed attempt at or past this time, the delivery is given up (24 h of retries).
    give_up_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "msg_id"], name="webhooks_one_msg_per_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhooks_delivery_due_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_delivery_log_idx"),
            models.Index(
                fields=["workspace", "contact_id"],
                condition=Q(contact_id__isnull=False),
                name="webhooks_delivery_contact_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.msg_id} → {self.endpoint_id}"


class Attempt(models.Model):
    """One HTTP request of a delivery, for the log: what the receiver answered, or why not."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-at"], name="webhooks_attempt_log_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Cursor(models.Model):
    """Where a time-driven event source got to (``followup.due``): announced up to ``at``."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
