from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def next_at():
    """When a follow-up next asks for attention, in SQL: the snooze's end, or the due time
    (``FollowUp.effective_due_at`` in Python). The lists sort and cut their sections by it."""
    # The lookups in the order a migration writes them back (Django compares them in order).
    return Case(
        When(snoozed_until__isnull=False, status="snoozed", then=F("snoozed_until")),
        default=F("due_at"),
    )


# What the follow-up list shows as waiting: open, or snoozed until a known time.
LISTED = Q(status="open") | Q(status="snoozed", snoozed_until__isnull=False)
# The columns ``next_at()`` and the archived-contact check read, kept in the list's indexes so
# that counting a section reads the index alone (an index-only scan).
_LISTED_INCLUDE = ["contact", "status", "snoozed_until", "due_at"]


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

    # Open and snoozed follow-ups still wait for the user; done and skipped ones are closed.
    PENDING_STATUSES = (Status.OPEN, Status.SNOOZED)

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
    message = models.TextField(_("message"), max_length=20_000, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # The Message-ID of the email sent from Infoview, so the timeline can point at it.
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The calendar feed's validator (ETag, Last-Modified) reads it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["workspace", "status", "due_at"]),
            models.Index(fields=["owner", "status", "due_at"], name="followups_owner_due_idx"),
            # The follow-up list's sections (everyone's, and one owner's), in their order.
            models.Index(
                F("workspace"),
                next_at(),
                F("id"),
                include=_LISTED_INCLUDE,
                condition=LISTED,
                name="followups_listed_idx",
            ),
            models.Index(
                F("workspace"),
                F("owner"),
                next_at(),
                F("id"),
                include=_LISTED_INCLUDE,
                condition=LISTED,
                name="followups_listed_owner_idx",
            ),
        ]
        constraints = [
            # One thank-you per conversation: completing it twice must not open two.
            models.UniqueConstraint(
                fields=["interview"],
                condition=Q(kind="thank_you"),
                name="followups_one_thank_you_per_interview",
            ),
            # One pending keep-in-touch per person: every interaction moves that one.
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(kind="keep_in_touch", status__in=["open", "snoozed"]),
                name="followups_one_pending_keep_in_touch",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.contact}"

    def get_absolute_url(self):
        return reverse("followups:detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    @property
    def is_pending(self):
        return self.status in self.PENDING_STATUSES

    @property
    def effective_due_at(self):
        """When it next asks for attention: the snooze's end, or the due time."""
        if self.status == self.Status.SNOOZED and self.snoozed_until:
            return self.snoozed_until
        return self.due_at

    @property
    def display_title(self):
        return self.title or self.get_kind_display()


class Reminder(models.Model):
    """One email to a user that falls due at ``due_at``: the database decides, Celery delivers.

    Rows are written in the same transaction as the change that makes them due. The beat
    claims due rows (``next_attempt_at``) and queues them; a worker locks the row, sends the
    email and marks it sent in one transaction, so running the task twice is harmless.
    """

    class Kind(models.TextChoices):
        THANK_YOU = "thank_you", _("Thank-you reminder")
        DIGEST = "digest", _("Daily digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Handed to the outbox (``outgoing``), which says whether it was sent.
        QUEUED = "queued", _("Queued")
        # Before the outbox: sent directly by the reminder worker.
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    due_at = models.DateTimeField()
    # Digests only: the user's local day it covers (one digest per user per local day).
    local_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    # When the beat may queue it (again): due_at at first, then the end of a claim's lease or
    # of a retry's backoff. A lost broker message costs at most one lease.
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    # Its email in the outbox, once queued: the outbox row's state is the truth about sending.
    outgoing = models.ForeignKey(
        "accounts.OutgoingMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="followups_reminder_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["followup", "kind", "due_at"], name="followups_reminder_unique_due"
            ),
            models.UniqueConstraint(
                fields=["user", "local_date"],
                condition=Q(kind="digest"),
                name="followups_one_digest_per_local_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user_id} at {self.due_at:%Y-%m-%d %H:%M}"


class EmailTemplate(models.Model):
    """A workspace's wording for one kind of follow-up email (the language of emails.py)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("for"), max_length=20, choices=FollowUp.Kind)
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), max_length=10_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "name"], name="followups_template_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("followups:template_edit", kwargs={"ws": self.workspace.slug, "pk": self.pk})


class Signature(models.Model):
    """How a user signs the emails they send from Infoview (the ``signature`` variable)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_signature"
    )
    text = models.TextField(_("signature"), max_length=2_000, blank=True)

    def __str__(self):
        return f"Signature of {self.user}"
