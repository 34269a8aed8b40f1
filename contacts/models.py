from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CADENCE_PRESETS = [(30, _("Every 30 days")), (90, _("Every 90 days")), (180, _("Every 180 days"))]


class Company(models.Model):
    # No index of its own: the unique name rule's index begins with the workspace.
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, db_index=False)
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), max_length=10_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="contacts_company_unique_name_per_workspace"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contacts:company_detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})


class Tag(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="contacts_tag_unique_name_per_workspace"
            )
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    class Source(models.TextChoices):
        EVENT = "event", _("Event")
        REFERRAL = "referral", _("Referral")
        LINKEDIN = "linkedin", _("LinkedIn")
        ALUMNI = "alumni", _("Alumni")
        COLD_OUTREACH = "cold_outreach", _("Cold outreach")
        JOB_BOARD = "job_board", _("Job board")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        NEW = "new", _("New")
        ENGAGED = "engaged", _("Engaged")
        PROMISING = "promising", _("Promising")
        NURTURING = "nurturing", _("Nurturing")
        REFERRED = "referred", _("Referred")
        APPLIED = "applied", _("Applied")
        HIRED = "hired", _("Hired")
        NOT_A_FIT = "not_a_fit", _("Not a fit")

    # No index of its own: the Meta indexes that begin with the workspace serve its lookups, and
    # one index fewer is one less to write per new person (an import writes thousands).
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, db_index=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    emails = ArrayField(
        models.EmailField(), verbose_name=_("email addresses"), default=list, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    linkedin_url = models.URLField(_("LinkedIn URL"), blank=True)
    summary = models.TextField(_("summary"), max_length=10_000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    source = models.CharField(_("how we met"), max_length=20, choices=Source, blank=True)
    connected_on = models.DateField(
        _("connected on"),
        null=True,
        blank=True,
        help_text=_("When the connection began (LinkedIn's “Connected On”)."),
    )
    introduced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduced",
        verbose_name=_("introduced by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
        verbose_name=_("owner"),
    )
    cadence_days = models.PositiveSmallIntegerField(_("keep in touch every (days)"), default=90)
    # Only team workspaces use the pipeline; personal contacts leave it blank.
    stage = models.CharField(_("pipeline stage"), max_length=20, choices=Stage, blank=True)
    last_interaction_at = models.DateTimeField(_("last interaction"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised for search (names, emails, company, title, tags, summary); services refresh
    # both columns with one UPDATE whenever any of their sources changes.
    search_text = models.TextField(default="", blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["workspace", "last_name", "first_name"]),
            models.Index(fields=["workspace", "stage"]),
            models.Index(fields=["workspace", "linkedin_url"], name="contacts_linkedin_idx"),
            # What an import's batch guard reads before each batch (how many people, the last
            # id, the last change: importing.run.BatchGuard) comes from this index alone.
            models.Index(
                fields=["workspace", "updated_at"], include=["id"], name="contacts_changed_idx"
            ),
            GinIndex(fields=["search_vector"], name="contacts_search_vector_idx"),
            GinIndex(fields=["emails"], name="contacts_emails_idx"),
            # The few archived people, whose follow-ups the lists leave out (followups.selectors).
            models.Index(
                fields=["workspace"],
                condition=models.Q(archived_at__isnull=False),
                name="contacts_archived_idx",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("contacts:detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def primary_email(self):
        return self.emails[0] if self.emails else ""


class SearchWord(models.Model):
    """Every word of a workspace's contacts, for typo-tolerant search (pg_trgm docs' pattern).

    A typed word is matched by trigram similarity against this short list, and the close words
    join the full-text query: far cheaper than comparing the word with every contact.
    """

    # No index of its own: the unique rule's index begins with the workspace.
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, db_index=False)
    word = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "word"], name="contacts_searchword_unique")
        ]
        indexes = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="contacts_searchword_trgm")
        ]

    def __str__(self):
        return self.word


class StageChange(models.Model):
    """One move of a contact through the pipeline, for the timeline and the reports."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    # No index of its own: Meta's (contact, changed_at) serves its lookups.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="stage_changes", db_index=False
    )
    from_stage = models.CharField(max_length=20, choices=Contact.Stage, blank=True)
    to_stage = models.CharField(max_length=20, choices=Contact.Stage, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["contact", "changed_at"])]

    def __str__(self):
        return f"{self.contact_id}: {self.from_stage} -> {self.to_stage}"


class ImportJob(models.Model):
    """An uploaded file on its way in: preview, then a Celery task working through its rows.

    The decoded text is kept on the row so any worker can (re)run the job; ``processed_rows``
    is the offset the next batch starts from, committed with that batch's contacts.
    """

    class Kind(models.TextChoices):
        LINKEDIN = "linkedin", _("LinkedIn connections")
        VCARD = "vcard", _("vCard")
        CSV = "csv", _("CSV")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind)
    text = models.TextField()
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the task that runs the job (contacts/importing/heartbeat.py);
    # the beat re-queues a queued or running job whose heartbeat is older than a lease.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    requeues = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("contacts:import_detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    @property
    def is_stalled(self):
        """Queued or running, and no worker has said so within a lease: nothing runs it now."""
        if self.status not in {self.Status.QUEUED, self.Status.RUNNING}:
            return False
        last = self.heartbeat_at or self.updated_at
        lease = timedelta(seconds=settings.IMPORTS_LEASE_SECONDS)
        return last is not None and last < timezone.now() - lease

    @property
    def percent(self):
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return int(self.processed_rows * 100 / self.total_rows)

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}


class Suppression(models.Model):
    """A person erased on request: an import must not bring them back. Hashes only.

    Written and read through ``contacts.suppression``.
    """

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
                fields=["workspace", "kind", "value_hash"], name="contacts_suppression_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.value_hash[:12]}…"


class MergeUndo(models.Model):
    """What a merge changed, kept for an hour so it can be undone (then purged).

    It holds the merged-away person's row as it was, so it goes with the kept contact: erasing
    or deleting that contact deletes it too.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    keep = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    other_id = models.BigIntegerField()
    other_name = models.CharField(max_length=301)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="contacts_mergeundo_created_idx")]

    def __str__(self):
        return f"merge of #{self.other_id} into #{self.keep_id}"
