from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CADENCE_PRESETS = [(30, _("Every 30 days")), (90, _("Every 90 days")), (180, _("Every 180 days"))]


class Company(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
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

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
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
    summary = models.TextField(_("summary"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    source = models.CharField(_("how we met"), max_length=20, choices=Source, blank=True)
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

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["workspace", "last_name", "first_name"]),
            models.Index(fields=["workspace", "stage"]),
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
