"""Retention: each team's policy, the warnings to its admins and the daily anonymising pass."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import Membership, OutgoingMessage, Workspace
from accounts.outbox import message_queue
from contacts.models import Contact
from privacy.models import (
    RETENTION_WARNING_DAYS,
    ContactPrivacy,
    RetentionPolicy,
    RetentionWarning,
)
from privacy.services.erasure import contact_anonymise

RETENTION_KIND = "retention_warning"


def retention_policy_for(workspace: Workspace) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(workspace=workspace)
    return policy


def retention_policy_update(
    *, workspace: Workspace, enabled: bool, months: int, privacy_notice_url: str
) -> RetentionPolicy:
    policy = retention_policy_for(workspace)
    policy.enabled, policy.months = enabled, months
    policy.privacy_notice_url = privacy_notice_url
    policy.full_clean()
    policy.save()
    return policy


def _last_touch():
    return Coalesce("last_interaction_at", "created_at")


def retention_due_on(contact: Contact, months: int) -> date:
    basis = contact.last_interaction_at or contact.created_at
    return (basis + relativedelta(months=months)).date()


def retention_candidates(*, workspace: Workspace, policy: RetentionPolicy, until: datetime):
    """Contacts not yet anonymised whose retention ends on or before ``until``."""
    return (
        Contact.objects.filter(workspace=workspace)
        .exclude(
            pk__in=ContactPrivacy.objects.filter(anonymised_at__isnull=False).values("contact")
        )
        .alias(touch=_last_touch())
        .filter(touch__lte=until - relativedelta(months=policy.months))
        .order_by("pk")
    )


def _policies() -> Iterator[tuple[Workspace, RetentionPolicy]]:
    policies = {p.workspace_id: p for p in RetentionPolicy.objects.all()}
    for workspace in Workspace.objects.filter(kind=Workspace.Kind.TEAM).order_by("pk"):
        policy = policies.get(workspace.pk) or RetentionPolicy(workspace=workspace)
        if policy.enabled:
            yield workspace, policy


RETENTION_LOCK = 72070


def _lock(key: int, workspace_id: int) -> None:
    """Serialise the retention pass per workspace until the end of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [key, workspace_id])


def retention_warn(*, workspace: Workspace, policy: RetentionPolicy, now: datetime) -> int:
    """Write the warnings due within 7 days and email the admins about the unsent ones."""
    soon = now + timedelta(days=RETENTION_WARNING_DAYS)
    with transaction.atomic():
        _lock(RETENTION_LOCK, workspace.pk)
        contacts = list(retention_candidates(workspace=workspace, policy=policy, until=soon))
        known = set(
            RetentionWarning.objects.filter(contact__in=contacts).values_list("contact", "due_on")
        )
        wanted = {(c.pk, retention_due_on(c, policy.months)) for c in contacts}
        RetentionWarning.objects.bulk_create(
            [
                RetentionWarning(workspace=workspace, contact_id=pk, due_on=due_on)
                for pk, due_on in sorted(wanted - known)
            ]
        )
    with transaction.atomic():
        # Not yet emailed, or whose email failed for good; an email on its way is left to it.
        warnings = list(
            RetentionWarning.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(workspace=workspace, sent_at=None)
            .filter(Q(outgoing__isnull=True) | Q(outgoing__state=OutgoingMessage.State.FAILED))
            .select_related("contact")
            .order_by("due_on", "pk")
        )
        if not warnings:
            return 0
        outgoing = _email_admins(workspace, warnings)
        pks = [w.pk for w in warnings]
        if outgoing is None:  # no admin to tell: the notice period runs from now
            RetentionWarning.objects.filter(pk__in=pks).update(sent_at=now)
        else:
            RetentionWarning.objects.filter(pk__in=pks).update(outgoing=outgoing)
    return len(warnings)


def _email_admins(workspace: Workspace, warnings: list[RetentionWarning]) -> OutgoingMessage | None:
    """Queue the admins' warning in the outbox, one email per language among them; the first
    one queued is the one whose acceptance starts the week of notice (None: no admin)."""
    admins = list(
        Membership.objects.filter(
            workspace=workspace, role__in=[Membership.Role.ADMIN, Membership.Role.OWNER]
        ).values_list("user__email", "user__language")
    )
    by_language: dict[str, list[str]] = {}
    for email, language in admins:
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    first = None
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            message = _email_admins_in_language(workspace, warnings, emails)
        first = first or message
    return first


def _email_admins_in_language(
    workspace: Workspace, warnings: list[RetentionWarning], admins: list[str]
) -> OutgoingMessage:
    context = {
        "workspace": workspace,
        "warnings": warnings,
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL
        + reverse("privacy:settings", kwargs={"ws": workspace.slug}),
        "days": RETENTION_WARNING_DAYS,
    }
    subject = ngettext(
        "%(count)d contact of %(team)s will be anonymised in %(days)d days",
        "%(count)d contacts of %(team)s will be anonymised in %(days)d days",
        len(warnings),
    ) % {
        "count": len(warnings),
        "team": workspace.name,
        "days": RETENTION_WARNING_DAYS,
    }
    body = render_to_string("privacy/email/retention_warning.txt", context)
    # A second copy of a warning to the admins is harmless: an ambiguous send is repeated.
    return message_queue(
        message=EmailMultiAlternatives(subject=subject, body=body, to=admins),
        kind=RETENTION_KIND,
        workspace=workspace,
        about=f"privacy.retention:{workspace.pk}",
        repeatable=True,
    )


def retention_email_settled(*, message: OutgoingMessage) -> int:
    """The admins' warning was accepted: the week of notice of its contacts starts now."""
    if message.kind != RETENTION_KIND or message.state != OutgoingMessage.State.SENT:
        return 0
    return RetentionWarning.objects.filter(outgoing_id=message.pk, sent_at=None).update(
        sent_at=message.sent_at
    )


def retention_anonymise(*, workspace: Workspace, policy: RetentionPolicy, now: datetime) -> int:
    """Anonymise contacts past retention whose admins were warned at least 7 days ago."""
    warned_before = now - timedelta(days=RETENTION_WARNING_DAYS)
    done = 0
    for contact in retention_candidates(workspace=workspace, policy=policy, until=now):
        due_on = retention_due_on(contact, policy.months)
        warned = RetentionWarning.objects.filter(
            contact=contact, due_on=due_on, sent_at__lte=warned_before
        ).exists()
        if warned:
            contact_anonymise(contact=contact, actor=None)
            done += 1
    return done


def retention_run(*, now: datetime | None = None) -> dict:
    """The daily pass over every team workspace: warn first, anonymise a week later."""
    now = now or timezone.now()
    warned = anonymised = 0
    for workspace, policy in _policies():
        warned += retention_warn(workspace=workspace, policy=policy, now=now)
        anonymised += retention_anonymise(workspace=workspace, policy=policy, now=now)
    return {"warned": warned, "anonymised": anonymised}
