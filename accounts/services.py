"""Writes that touch accounts, workspaces and memberships."""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, User, Workspace
from accounts.outbox import message_queue, message_with_key
from accounts.selectors import workspace_ids_of
from accounts.signals import workspace_created
from accounts.versions import data_changed


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "workspace"
    slug = base
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


@transaction.atomic
def workspace_create(*, name: str, kind: str, creator: User, time_zone: str = "") -> Workspace:
    """A new workspace with its creator as owner (personal) or admin (team)."""
    workspace = Workspace(
        name=name.strip(),
        slug=_unique_slug(name),
        kind=kind,
        time_zone=time_zone or creator.time_zone,
    )
    workspace.full_clean()
    workspace.save()
    role = Membership.Role.OWNER if kind == Workspace.Kind.PERSONAL else Membership.Role.ADMIN
    Membership.objects.create(user=creator, workspace=workspace, role=role)
    # The apps above give it their defaults (question bank, email templates), in this
    # transaction: a workspace never exists without them.
    workspace_created.send(sender=Workspace, workspace=workspace)
    return workspace


@transaction.atomic
def user_signup(*, email: str, name: str, password: str, time_zone: str = "") -> User:
    """Create the user and their personal workspace."""
    user = User(email=email.strip().lower(), name=name.strip())
    if time_zone:
        user.time_zone = time_zone
    user.set_password(password)
    user.full_clean(exclude=["password", "last_workspace"])
    user.save()
    # The workspace's name holds the user's first name; a long one is cut to fit.
    name_limit = Workspace._meta.get_field("name").max_length
    personal = workspace_create(
        name=(_("%(name)s's network") % {"name": user.get_short_name()})[:name_limit],
        kind=Workspace.Kind.PERSONAL,
        creator=user,
    )
    user.last_workspace = personal
    user.save(update_fields=["last_workspace"])
    return user


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """One-time links that finish a sign-up (they die once the user has logged in)."""

    key_salt = "infoview.accounts.signup"


signup_tokens = SignupTokenGenerator()
SAFE_NEXT_PREFIX = "/accounts/invitations/"


def safe_next(value: str) -> str:
    """Where a sign-up may continue: only to an invitation of this site."""
    value = value or ""
    if value.startswith(SAFE_NEXT_PREFIX) and "//" not in value and "\\" not in value:
        return value
    return ""


@transaction.atomic
def user_signup_request(
    *, email: str, name: str, password: str, time_zone: str = "", next_url: str = ""
) -> None:
    """A sign-up from the public form. It answers the same whether the address has an account
    or not, and the address's owner gets an email either way: a link that finishes the sign-up,
    or a note that they already have an account. Until the link is followed the new account
    cannot log in, so logging in afterwards does not tell a stranger which it was either.
    """
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.is_active:
        make_password(password)  # the same work as a sign-up, so the answer takes as long
        _signup_mail(user=user, template="signup_exists")
        return
    if user is None:
        user = user_signup(email=email, name=name, password=password, time_zone=time_zone)
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    else:
        # Never confirmed: the latest sign-up for the address wins; only its owner can confirm.
        user.name = name.strip()
        user.time_zone = time_zone or user.time_zone
        user.set_password(password)
        user.full_clean(exclude=["password", "last_workspace"])
        user.save(update_fields=["name", "time_zone", "password"])
    _signup_mail(user=user, template="signup_confirm", next_url=safe_next(next_url))


def _signup_mail(*, user: User, template: str, next_url: str = "") -> None:
    """Queue the sign-up's email in the outbox, inside the sign-up's transaction: the request
    never speaks SMTP (a slow mail server cannot stall the form), and the worker retries a
    refusal. A second copy of either email is harmless, so an ambiguous send may be repeated.
    """
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    context = {
        "user": user,
        "site_url": settings.SITE_URL,
        "login_url": settings.SITE_URL + reverse("accounts:login"),
        "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
        "confirm_url": settings.SITE_URL
        + reverse(
            "accounts:signup_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": signup_tokens.make_token(user),
            },
        )
        + query,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"accounts/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{template}.html", context), "text/html"
    )
    message_queue(message=message, kind=template, about=f"accounts.user:{user.pk}", repeatable=True)


def user_signup_confirm(*, uidb64: str, token: str) -> User | None:
    """The user whose sign-up link this is, now active; None for a wrong or spent link."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not signup_tokens.check_token(user, token):
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def workspace_rename(*, workspace: Workspace, name: str) -> Workspace:
    workspace.name = name.strip()
    workspace.full_clean()
    workspace.save(update_fields=["name"])
    return workspace


def member_renamed(*, user: User) -> None:
    """The reports name each member: the figures of their workspaces are made again."""
    for workspace_id in workspace_ids_of(user):
        data_changed(workspace_id=workspace_id)


def _admin_count(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Membership.Role.ADMIN).count()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in {Membership.Role.ADMIN, Membership.Role.RECRUITER}:
        raise ValidationError(_("Choose admin or recruiter."))
    # Lock the team's admin rows so two admins demoting each other cannot leave it with none.
    list(
        Membership.objects.select_for_update().filter(
            workspace=membership.workspace, role=Membership.Role.ADMIN
        )
    )
    demoting = membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN
    if demoting and _admin_count(membership.workspace) <= 1:
        raise ValidationError(_("A team needs at least one admin; make someone else admin first."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    list(
        Membership.objects.select_for_update().filter(
            workspace=membership.workspace, role=Membership.Role.ADMIN
        )
    )
    if membership.role == Membership.Role.ADMIN and _admin_count(membership.workspace) <= 1:
        raise ValidationError(_("A team needs at least one admin; make someone else admin first."))
    User.objects.filter(pk=membership.user_id, last_workspace=membership.workspace).update(
        last_workspace=None
    )
    membership.delete()


@transaction.atomic
def invitation_create(
    *,
    workspace: Workspace,
    email: str,
    role: str,
    invited_by: User,
    idempotency_key: str | None = None,
) -> Invitation:
    """Invite ``email`` and queue the invitation email (once per form: ``idempotency_key``)."""
    if idempotency_key:
        earlier = message_with_key(idempotency_key)
        if earlier is not None:
            pk = earlier.about.rpartition(":")[2]
            invitation = Invitation.objects.filter(pk=pk, workspace=workspace).first()
            if invitation is not None:
                return invitation
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member of this team.") % {"email": email})
    # A new invitation replaces any earlier one still pending for the same address.
    Invitation.objects.filter(workspace=workspace, email__iexact=email, accepted_at=None).delete()
    now = timezone.now()
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + settings.INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    invitation_send(invitation=invitation, idempotency_key=idempotency_key)
    return invitation


def invitation_send(*, invitation: Invitation, idempotency_key: str | None = None) -> None:
    """Queue the invitation email in the outbox (inside the caller's transaction).

    Someone who already has an account reads it in their language; a newcomer in the
    inviter's (the language of the request that invited them).
    """
    invitee = User.objects.filter(email__iexact=invitation.email).exclude(language="").first()
    if invitee is None:
        _invitation_send(invitation=invitation, idempotency_key=idempotency_key)
    else:
        with translation.override(invitee.language):
            _invitation_send(invitation=invitation, idempotency_key=idempotency_key)


def _invitation_send(*, invitation: Invitation, idempotency_key: str | None = None) -> None:
    context = {
        "invitation": invitation,
        "url": settings.SITE_URL + invitation.get_absolute_url(),
        "inviter": invitation.invited_by,
    }
    subject = _("%(name)s invited you to %(workspace)s on Infoview") % {
        "name": invitation.invited_by or _("Someone"),
        "workspace": invitation.workspace.name,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    message_queue(
        message=message,
        kind="workspace_invitation",
        workspace=invitation.workspace,
        about=f"accounts.invitation:{invitation.pk}",
        idempotency_key=idempotency_key,
    )


class InvitationError(Exception):
    """An invitation that cannot be accepted; the message says why."""


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.is_used:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise InvitationError(_("This invitation has expired. Ask the team's admin for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user.last_workspace = invitation.workspace
    user.save(update_fields=["last_workspace"])
    return membership


def invitations_purge_expired(*, older_than=None) -> int:
    """Delete invitations that expired more than a week ago and were never used."""
    cutoff = timezone.now() - (older_than or settings.INVITATION_LIFETIME)
    deleted, _rows = Invitation.objects.filter(accepted_at=None, expires_at__lt=cutoff).delete()
    return deleted
