"""Mail that reached a user's BCC drop address, and what became of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DropAddress(models.Model):
    """``<token>@INBOUND_DOMAIN``: one live address per user and workspace; rotating it kills
    the old one for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drop_addresses"
    )
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace"],
                condition=models.Q(revoked_at=None),
                name="inbound_one_live_drop_address",
            )
        ]

    def __str__(self):
        return self.address

    @property
    def address(self) -> str:
        return f"{self.token}@{settings.INBOUND_DOMAIN}"


class InboundMessage(models.Model):
    """One email logged for a workspace: what the timeline shows, never the mail itself."""

    class Direction(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_id = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField()
    direction = models.CharField(max_length=10, choices=Direction, default=Direction.SENT)
    # Plain text, tags and scripts removed, cut short: a reminder of what was said.
    excerpt = models.TextField(blank=True)
    channel = models.CharField(max_length=40)
    contacts = models.ManyToManyField("contacts.Contact", related_name="inbound_messages")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # The same message through the webhook and the SMTP receiver, or posted twice,
            # is logged once.
            models.UniqueConstraint(fields=["workspace", "message_id"], name="inbound_message_once")
        ]

    def __str__(self):
        return self.subject or self.message_id


class UnknownAddress(models.Model):
    """An address in logged mail that matches no contact: offered to the workspace's members
    to add (contacts are the workspace's, so is this list)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    seen_count = models.PositiveIntegerField(default=1)
    last_seen_at = models.DateTimeField()
    # Added as a contact or dismissed: no longer listed.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"], name="inbound_unknown_address_once"
            )
        ]

    def __str__(self):
        return self.email


class Refusal(models.Model):
    """Mail that was dropped, counted with its reason (nothing of its content is kept)."""

    class Reason(models.TextChoices):
        UNKNOWN_ADDRESS = "unknown_address", _("Sent to no drop address")
        SENDER = "sender", _("Not from the address's owner")
        AUTHENTICATION = "authentication", _("Failed SPF or DKIM")
        RECIPIENTS = "recipients", _("Too many recipients")
        MALFORMED = "malformed", _("Unreadable message")
        TOO_LARGE = "too_large", _("Too large")
        REPLAYED = "replayed", _("Replayed or stale webhook")

    drop = models.ForeignKey(DropAddress, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=20, choices=Reason)
    channel = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.get_reason_display()
