from accounts.models import Invitation, Membership
from infoview.testing.isolation import (
    ADMIN,
    PUBLIC,
    TEAM_ADMIN,
    TEAM_MEMBER,
    register,
    ws_kwargs,
)


def _bob_membership(world):
    return Membership.objects.get(user=world.bob, workspace=world.workspace).pk


def _invitation(world):
    from datetime import timedelta

    from django.utils import timezone

    return world.once(
        "invitation",
        lambda w: Invitation.objects.create(
            workspace=w.workspace,
            email="newcomer@example.test",
            invited_by=w.alice,
            expires_at=timezone.now() + timedelta(days=7),
        ),
    )


register("workspace:members", access=TEAM_MEMBER)
register("workspace:settings", access=ADMIN)
register("workspace:outbox", access=ADMIN)
register(
    "workspace:invite",
    method="post",
    access=TEAM_ADMIN,
    data=lambda w: {
        "email": "someone@example.test",
        "role": "recruiter",
        "idempotency_token": "isolation-token-0123456789",
    },
)
register(
    "workspace:member_role",
    kwargs=ws_kwargs(pk=_bob_membership),
    method="post",
    access=TEAM_ADMIN,
    data=lambda w: {"role": "recruiter"},
)
register("workspace:member_remove", kwargs=ws_kwargs(pk=_bob_membership), access=TEAM_ADMIN)
register(
    "workspace:invitation_revoke",
    kwargs=ws_kwargs(pk=lambda w: _invitation(w).pk),
    method="post",
    access=TEAM_ADMIN,
)
# Reached by the secret token in the emailed link, by people who are not members yet.
register(
    "accounts:invitation_accept", kwargs=lambda w: {"token": _invitation(w).token}, access=PUBLIC
)
register(
    "accounts:password_reset_confirm",
    kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
    access=PUBLIC,
)


def _signup_link(world):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from accounts.services import signup_tokens

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(world.alice.pk)),
        "token": signup_tokens.make_token(world.alice),
    }


register("accounts:signup_confirm", kwargs=_signup_link, access=PUBLIC)
