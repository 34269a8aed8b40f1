"""Personal access tokens: made, found and revoked here, and nowhere else."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User, Workspace
from api.models import ApiToken

TOKEN_PREFIX = "ivt_"  # noqa: S105 (a public marker, not a secret)
# The list shows this many characters of the secret (after the prefix), so people can tell
# their tokens apart; 6 base64 characters reveal 36 of its 256 bits.
SHOWN = 6
# A token's last use is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # shown once, to the user who made it; never stored


def token_create(
    *, user: User, workspace: Workspace, name: str, scope: str, expires_at: datetime
) -> NewToken:
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise ValidationError({"workspace": _("Choose one of your workspaces.")})
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choose a date in the future.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        workspace=workspace,
        name=name.strip(),
        scope=scope,
        expires_at=expires_at,
        token_hash=token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + SHOWN],
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token with this secret, with its user and workspace; None for anything else.

    Membership is not checked here but on every request (``api.access``), so a token of a
    workspace its user has left stops working at once.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(token_hash=token_hash(secret), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(*, user: User):
    return ApiToken.objects.filter(user=user).select_related("workspace")
