import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# For the forms' menus. The model fields check names with validate_time_zone instead of
# choices=, so no migration freezes this machine's tz database.
TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


def default_time_zone():
    return "Europe/London"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone."), code="invalid_time_zone", params={"value": value}
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class ColorMode(models.TextChoices):
        AUTO = "auto", _("Follow the system setting")
        LIGHT = "light", _("Light")
        DARK = "dark", _("Dark")

    class ReminderPreference(models.TextChoices):
        IMMEDIATE = "immediate", _("Thank-you reminders at once, the rest in a daily digest")
        DIGEST = "digest", _("Daily digest only")
        OFF = "off", _("No reminder emails")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
    )
    reminder_preference = models.CharField(
        _("reminder emails"),
        max_length=16,
        choices=ReminderPreference,
        default=ReminderPreference.IMMEDIATE,
    )
    # Blank: the browser's Accept-Language decides (LocaleMiddleware); emails then go in the
    # site's default language.
    language = models.CharField(
        _("language"), max_length=16, blank=True, choices=settings.LANGUAGES, default=""
    )
    color_mode = models.CharField(
        _("appearance"), max_length=8, choices=ColorMode, default=ColorMode.AUTO
    )
    last_workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class Workspace(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
    )
    # Defaults the feature apps read; admins change them in the workspace settings.
    default_cadence_days = models.PositiveSmallIntegerField(
        _("default keep-in-touch cadence (days)"), default=90
    )
    thank_you_delay_hours = models.PositiveSmallIntegerField(
        _("thank-you due after (hours)"), default=24
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workspace_home", kwargs={"ws": self.slug})

    @property
    def is_team(self):
        return self.kind == self.Kind.TEAM


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        RECRUITER = "recruiter", _("Recruiter")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=16, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user"),
        ]
        ordering = ["user__name"]

    def __str__(self):
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"

    @property
    def is_admin(self):
        """Admins run their team; the owner of a personal workspace runs it alone."""
        return self.role in {self.Role.ADMIN, self.Role.OWNER}


def new_invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=[(Membership.Role.ADMIN, _("Admin")), (Membership.Role.RECRUITER, _("Recruiter"))],
        default=Membership.Role.RECRUITER,
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.workspace}"

    def get_absolute_url(self):
        return reverse("accounts:invitation_accept", kwargs={"token": self.token})

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_used(self):
        return self.accepted_at is not None


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


class AuditEvent(models.Model):
    """Who did what to which record, and when. Ids only; rows are never changed or deleted.

    No foreign keys on purpose: erasing a contact or deleting a user must leave their events in
    place (a database trigger refuses UPDATE and DELETE on this table too). Written through
    ``accounts.audit``; every app records into it, so it sits at the bottom of the app graph.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")
        CHANGED = "changed", _("Changed")
        MERGED = "merged", _("Merged")
        ANONYMISED = "anonymised", _("Anonymised")
        DELETED = "deleted", _("Deleted")

    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=Action)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "-at"], name="accounts_audit_ws_at_idx"),
            models.Index(
                fields=["workspace", "object_type", "object_id"], name="accounts_audit_obj_idx"
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")

    @property
    def record_key(self) -> tuple[str, int]:
        return (self.object_type, self.object_id)


class OutgoingMessage(models.Model):
    """One email on its way out: written in the transaction that makes it, sent by a worker.

    Every email Infoview sends goes through this outbox (``accounts/outbox/``). The web request
    only writes the row; the worker claims it, marks it ``sending`` for a lease, speaks SMTP and
    records the reply. The states say what is known, no more:

    - ``pending``: waiting for its (next) attempt at ``next_attempt_at``;
    - ``sending``: a worker holds it until ``lease_until``;
    - ``sent``: the server accepted it (250 after DATA);
    - ``failed``: refused for good (5xx, a bad address) or too many temporary refusals;
    - ``unknown``: the message text was transmitted but no answer came back (connection lost or
      timeout after DATA, worker or database gone before the answer was recorded). It may have
      arrived. Only ``repeatable`` kinds (a reminder, a digest) are sent once more, after a
      delay; the rest stay ``unknown`` for a person to decide.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: may have arrived")

    # Indexed by ``accounts_outbox_ws_idx``, which starts with it: an index of its own would be
    # one more to write on every row's insert and each of its state changes (issue 17).
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, db_index=False
    )
    kind = models.CharField(max_length=32)
    # What it is about, "app.model:pk", for the page that shows its state.
    about = models.CharField(max_length=64, blank=True)
    # A per-form token (or another natural key): the same key never makes a second message.
    # Unique by a constraint in Meta rather than ``unique=True``, which on PostgreSQL also makes
    # a pattern index (for LIKE) that nothing here reads and every write had to keep up. NULL,
    # not "", for the rows without a key: the constraint holds among the keys only.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    # A duplicate is harmless (a reminder to oneself): an ambiguous send may be repeated once.
    repeatable = models.BooleanField(default=False)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename", "content", "mimetype"}], text attachments only (calendar invitations).
    attachments = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=255)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set just before the message text goes out in the current attempt: past this point a lost
    # answer is ambiguous.
    data_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    resent = models.BooleanField(default=False)
    last_reply = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    log = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="accounts_outbox_due_idx",
            ),
            models.Index(
                fields=["lease_until"],
                condition=models.Q(state="sending"),
                name="accounts_outbox_lease_idx",
            ),
            models.Index(fields=["about", "created_at"], name="accounts_outbox_about_idx"),
            models.Index(fields=["workspace", "created_at"], name="accounts_outbox_ws_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="accounts_outbox_key_unique"),
        ]

    def __str__(self):
        return f"{self.kind} to {', '.join(self.to)} ({self.state})"

    @property
    def is_settled(self):
        return self.state in {self.State.SENT, self.State.FAILED, self.State.UNKNOWN}
