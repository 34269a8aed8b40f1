"""Per-form idempotency tokens: a double-click or a resubmitted form acts once.

Each form with an outside effect (an email, an invitation) carries a fresh random token in a
hidden field (``{% idempotency_field %}`` from ``accounts_tags``). The service stores the token
with the effect it made (the outbox row's ``idempotency_key``); a second request with the same
token finds that effect and shows it instead of acting again. Tokens are scoped to the user,
so one user's token can never name another's message.
"""

import re
import secrets

from django.core.exceptions import BadRequest

FIELD = "idempotency_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def key_from(request, purpose: str) -> str:
    """The stored key for this form's token; a missing or malformed token is a 400."""
    token = request.POST.get(FIELD, "")
    if not _SHAPE.match(token):
        raise BadRequest("This form is missing its one-time token; reload the page.")
    return f"{purpose}:{request.user.pk}:{token}"
