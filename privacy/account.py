"""A user's own account: export everything about them, or delete it (GDPR, for users)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, User, Workspace
from accounts.selectors import workspace_ids_of
from accounts.versions import data_changed
from contacts.models import Contact
from followups.models import Signature
from interviews.models import CalendarToken
from privacy.services.subject_access import contact_subject_access_export, plain


def account_export(*, user: User) -> dict:
    """The user's profile, memberships and settings, and their personal network in full."""
    memberships = Membership.objects.filter(user=user).select_related("workspace")
    personal = [m.workspace for m in memberships if m.workspace.kind == Workspace.Kind.PERSONAL]
    signature = Signature.objects.filter(user=user).values_list("text", flat=True).first()
    return {
        "generated_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "time_zone": user.time_zone,
            "reminder_preference": user.reminder_preference,
            "date_joined": plain(user.date_joined),
            "last_login": plain(user.last_login),
        },
        "memberships": [
            {
                "workspace": m.workspace.name,
                "kind": m.workspace.kind,
                "role": m.role,
                "since": plain(m.created_at),
            }
            for m in memberships
        ],
        "email_signature": signature or "",
        "calendar_feeds": [
            {"created_at": plain(t.created_at), "revoked_at": plain(t.revoked_at)}
            for t in CalendarToken.objects.filter(user=user)
        ],
        "personal_network": [
            contact_subject_access_export(contact=contact)
            for contact in Contact.objects.filter(workspace__in=personal)
            .select_related("company", "owner", "workspace")
            .order_by("pk")
        ],
    }


def account_delete_blockers(*, user: User) -> list[Workspace]:
    """Teams that would be left without an admin: the user must hand them over first."""
    blockers = []
    teams = Membership.objects.filter(
        user=user, workspace__kind=Workspace.Kind.TEAM
    ).select_related("workspace")
    for membership in teams:
        if not membership.is_admin:
            continue
        if not Membership.objects.filter(workspace=membership.workspace).exclude(user=user):
            continue  # alone in it: the team goes with the account
        admins = Membership.objects.filter(
            workspace=membership.workspace, role__in=[Membership.Role.ADMIN, Membership.Role.OWNER]
        ).exclude(user=user)
        if not admins.exists():
            blockers.append(membership.workspace)
    return blockers


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the user, their personal workspace and any team left with no other member.

    Contacts and conversations they own in shared teams stay with the team (their owner becomes
    empty); the audit log keeps their id, which no longer points at anyone.
    """
    if account_delete_blockers(user=user):
        raise ValidationError(
            _("Make someone else admin of your teams first; they would be left without one.")
        )
    mine = Membership.objects.filter(user=user).values("workspace_id")
    # Counted apart from the filter on the user, or every count would be 1.
    alone = (
        Workspace.objects.filter(pk__in=mine)
        .annotate(members=Count("membership"))
        .filter(members=1)
        .values_list("pk", flat=True)
    )
    # The teams that stay show the work this user owned under their name: now under none.
    for workspace_id in workspace_ids_of(user):
        data_changed(workspace_id=workspace_id)
    Workspace.objects.filter(pk__in=list(alone)).delete()
    Invitation.objects.filter(email__iexact=user.email).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    user.delete()
