"""Who is calling and what they may reach: the API's one door (like accounts.scoping).

Authentication finds a user (and, with a token, the token). ``membership`` then answers for
the workspace in the URL on every request: a workspace the caller does not belong to, or not
the one the token was made for, is a 404 exactly like one that does not exist.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from accounts.models import Membership, User
from api.models import ApiToken
from api.problems import ApiProblem
from api.tokens import token_for_secret
from infoview import ratelimit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Caller:
    user: User
    token: ApiToken | None = None


def _rate_limit(request: HttpRequest, caller: Caller) -> None:
    checks = [("api_user", f"user:{caller.user.pk}")]
    if caller.token is not None:
        checks.insert(0, ("api_token", f"token:{caller.token.pk}"))
    for name, key in checks:
        current = ratelimit.limited(request, name, key)
        if current:
            seconds = ratelimit.retry_after(current)
            raise ApiProblem(
                429,
                f"Rate limit reached; try again in {seconds} s.",
                headers={"Retry-After": str(seconds)},
            )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ivt_…``: a personal access token made in Account settings."""

    def authenticate(self, request, token):
        found = token_for_secret(token or "")
        if found is None:
            return None
        caller = Caller(user=found.user, token=found)
        _rate_limit(request, caller)
        return caller


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, same origin; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def __init__(self):
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request):
        # Only a signed-in session is checked for CSRF: a call with neither a token nor a
        # session is simply unauthenticated (401), whatever its method.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        caller = Caller(user=request.user)
        _rate_limit(request, caller)
        return caller


def membership(
    request: HttpRequest, ws: str, *, write: bool = False, admin: bool = False, team: bool = False
) -> Membership:
    """The caller's membership of workspace ``ws``, or the problem that stops them."""
    caller: Caller = request.auth
    if caller.token is not None and caller.token.workspace.slug != ws:
        raise ApiProblem(404, "No such workspace.")
    found = (
        Membership.objects.select_related("workspace")
        .filter(user=caller.user, workspace__slug=ws)
        .first()
    )
    if found is None:
        raise ApiProblem(404, "No such workspace.")
    if team and not found.workspace.is_team:
        raise ApiProblem(404, "Only team workspaces have this.")
    if write and caller.token is not None and not caller.token.can_write:
        raise ApiProblem(403, "This token is read-only.")
    if admin and not found.is_admin:
        raise ApiProblem(403, "Only the workspace's admins can do that.")
    request.membership = found
    request.workspace = found.workspace
    return found
