import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infoview.dates import MAX_YEAR, MIN_YEAR
from interviews.markup import MAX_NOTE_LENGTH, html_to_text, markdown_to_text

# The interview list's sort keys: an undated interview sorts after every dated one among the
# upcoming and before them among the past, as NULLS LAST does (interviews.selectors).
UNDATED_UPCOMING = datetime(MAX_YEAR, 12, 31, tzinfo=UTC)
UNDATED_PAST = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)


def list_sort_at(undated: datetime) -> Coalesce:
    return Coalesce("starts_at", Value(undated))


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
    # When the contact was last emailed the invitation, so a cancellation reaches them too.
    invited_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: bumped on every change a calendar must notice.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "starts_at"]),
            models.Index(fields=["workspace", "status"]),
            # The calendar feed: one owner's interviews from a date on. The validator (counts
            # and last changes, followups/calendar_feed.py) reads only this index.
            models.Index(
                fields=["owner", "starts_at"],
                include=["updated_at", "contact", "workspace"],
                name="interviews_owner_feed_idx",
            ),
            # The interview list, upcoming (open ones, soonest first) and past or all (latest
            # first, read backwards): a page is a walk down the index, not a sort of them all.
            models.Index(
                F("workspace"),
                list_sort_at(UNDATED_UPCOMING),
                F("id"),
                condition=Q(status__in=["planned", "scheduled"]),
                name="interviews_upcoming_idx",
            ),
            models.Index(
                F("workspace"), list_sort_at(UNDATED_PAST), F("id"), name="interviews_list_idx"
            ),
            # The workspace home: one member's open interviews of the week, soonest first. The
            # first 40 are a walk down it; without it PostgreSQL matched the owner's week and
            # the workspace's open interviews (6,000 at the scale data) and sorted them.
            models.Index(
                fields=["workspace", "owner", "starts_at"],
                condition=Q(status__in=["planned", "scheduled"]),
                name="interviews_owner_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.contact} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("interviews:detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    OPEN_STATUSES = (Status.PLANNED, Status.SCHEDULED)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def ends_at(self):
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def planned_start(self):
        """The start in the zone it was planned in (what the planner typed)."""
        if self.starts_at is None:
            return None
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))


class InterviewText(models.Model):
    """Free text of one interview that is saved as the user types (conversation view)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="text")
    # What the user learned about the organisation and the person before the talk.
    research = models.TextField(_("research"), blank=True)
    # The running notes typed during the talk; turned into Notes afterwards if the user wishes.
    scratch = models.TextField(_("notes during the talk"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Text of {self.interview_id}"


class Objective(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("objective"), max_length=300)
    met_at = models.DateTimeField(null=True, blank=True)
    insight = models.TextField(_("insight"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_met(self):
        return self.met_at is not None


class QuestionCategory(models.TextChoices):
    CAREER_PATH = "career_path", _("Career path")
    DAY_TO_DAY = "day_to_day", _("Day-to-day work")
    INDUSTRY_TRENDS = "industry_trends", _("Industry trends")
    ORGANISATION = "organisation", _("The organisation")
    ADVICE = "advice", _("Advice")
    PEOPLE_NEXT = "people_next", _("People to meet next")
    MOTIVATION = "motivation", _("Motivation")
    ASPIRATIONS = "aspirations", _("Aspirations")
    CULTURAL_FIT = "cultural_fit", _("Cultural fit")


TEAM_ONLY_CATEGORIES = {
    QuestionCategory.MOTIVATION,
    QuestionCategory.ASPIRATIONS,
    QuestionCategory.CULTURAL_FIT,
}


class Question(models.Model):
    """A question of the workspace's bank."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    category = models.CharField(_("category"), max_length=20, choices=QuestionCategory)
    text = models.CharField(_("question"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "text"], name="interviews_question_unique_text"
            )
        ]

    def __str__(self):
        return self.text


class InterviewQuestion(models.Model):
    """A question asked in one interview: picked from the bank or one-off, with its answer."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="questions")
    source = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="uses"
    )
    category = models.CharField(_("category"), max_length=20, choices=QuestionCategory, blank=True)
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class PrepTemplateItem(models.Model):
    """One line of the workspace's prep checklist template, copied into each new interview."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    text = models.CharField(_("item"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class PrepItem(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="prep_items")
    text = models.CharField(_("item"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_done(self):
        return self.done_at is not None


class Note(models.Model):
    class Kind(models.TextChoices):
        INSIGHT = "insight", _("Insight")
        ADVICE = "advice", _("Advice")
        TREND = "trend", _("Industry trend")
        NEXT_STEP = "next_step", _("Next step")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("objective"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.INSIGHT)
    body = models.TextField(_("note"), max_length=MAX_NOTE_LENGTH, help_text=_("Markdown"))
    # The body rendered once, when saved (services.note_add): never per view.
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The home page's latest insights of a workspace.
            models.Index(
                fields=["workspace", "kind", "-created_at", "-id"],
                name="interviews_note_latest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.body[:40]}"

    @property
    def html(self):
        return self.body_html

    @property
    def plain_text(self) -> str:
        """The note as text, without its Markdown (for excerpts, timelines and emails)."""
        return html_to_text(self.body_html) if self.body_html else markdown_to_text(self.body)


class Assessment(models.Model):
    """A recruiter's light assessment of an informational chat (team workspaces only)."""

    SCORE = [MinValueValidator(1), MaxValueValidator(5)]

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="assessment")
    passion = models.PositiveSmallIntegerField(_("passion"), validators=SCORE)
    motivation = models.PositiveSmallIntegerField(_("motivation"), validators=SCORE)
    cultural_fit = models.PositiveSmallIntegerField(_("cultural fit"), validators=SCORE)
    # Lowercase strings: the talent-pool search matches them with a plain array overlap.
    skills = ArrayField(
        models.CharField(max_length=60), verbose_name=_("skills"), default=list, blank=True
    )
    consider_for_future = models.BooleanField(_("consider for future roles"), default=False)
    roles_in_mind = models.TextField(_("roles in mind"), blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passion__range=(1, 5))
                & models.Q(motivation__range=(1, 5))
                & models.Q(cultural_fit__range=(1, 5)),
                name="interviews_assessment_scores_1_to_5",
            )
        ]
        # The talent pool's "skills overlap" (reports/selectors/talent.py): a bitmap scan of the
        # matching assessments, where a scan of them all tested each array (12 → 2 ms at 18,000).
        indexes = [GinIndex(fields=["skills"], name="interviews_assessment_skills")]

    def __str__(self):
        return f"Assessment of {self.interview}"


class CalendarToken(models.Model):
    """The secret in a user's private calendar feed URL. Revoking it kills the URL for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at=None),
                name="interviews_one_live_calendar_token",
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self):
        return reverse("calendar:feed", kwargs={"token": self.token})
