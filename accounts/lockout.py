"""The log-in lock: it slows guessing down without letting a stranger lock a user out.

django-axes records every failed log-in (account, client address). This handler decides with
two counts, each with its own limit, over the last ``AXES_COOLOFF_TIME``:

- **per account** (the email, trimmed and lower-cased, so ``SAM@…`` and ``sam@…`` are one
  account): ``AXES_FAILURE_LIMIT`` wrong passwords start a cool-off for that account;
- **per client address** (``infoview.clientip.client_ip``, which reads ``X-Forwarded-For`` only
  when ``TRUSTED_PROXY_COUNT`` says so): ``AXES_ADDRESS_FAILURE_LIMIT`` wrong passwords, for
  any accounts, start a cool-off for that address.

Neither lock is one a stranger can impose on the real user:

- A browser that has logged in to an account before carries a signed *known-device* cookie
  for it; that browser is never held up by either lock for that account (the OWASP "device
  cookie" scheme). Guessing from it is still bounded by the log-in rate limit.
- Resetting the password ends the account's cool-off at once.
- A successful log-in clears that account's count, never the address's: logging in to one's
  own account does not buy more guesses at others.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Q, Sum
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "infoview_device"
DEVICE_SALT = "infoview.accounts.known-device"
DEVICE_MAX_ACCOUNTS = 5
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def normalise_username(value) -> str:
    return str(value or "").strip().lower()


def username(request, credentials=None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: the account as the lock counts it."""
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_username(raw)


def _device_mark(account: str) -> str:
    # SHA-256 named here (Django's default moves to it in 2028): a device cookie written with
    # the old SHA-1 marks simply counts as a new device once, until its next sign-in.
    return salted_hmac(DEVICE_SALT, account, algorithm="sha256").hexdigest()[:32]


def _device_marks(request) -> list[str]:
    value = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        marks = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [mark for mark in marks if isinstance(mark, str)] if isinstance(marks, list) else []


def is_known_device(request, account: str) -> bool:
    return bool(account) and _device_mark(account) in _device_marks(request)


def remember_device(request, response, account: str) -> None:
    """After a successful log-in: this browser is known for this account from now on."""
    mark = _device_mark(normalise_username(account))
    marks = [mark] + [m for m in _device_marks(request) if m != mark]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(marks[:DEVICE_MAX_ACCOUNTS], salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )


def account_unlock(*, email: str) -> None:
    """End an account's cool-off (after a password reset)."""
    AccessAttempt.objects.filter(username=normalise_username(email)).delete()


class LockoutHandler(AxesDatabaseHandler):
    def counts(self, request, credentials=None) -> tuple[int, int]:
        """Recent failures of (this account, this client address), in one query."""
        account = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        where = by_address = Q(ip_address=request.axes_ip_address)
        sums = {"address": Sum("failures_since_start", filter=by_address)}
        if account:
            by_account = Q(username=account)
            where |= by_account
            sums["account"] = Sum("failures_since_start", filter=by_account)
        totals = attempts.filter(where).aggregate(**sums)
        return totals.get("account") or 0, totals["address"] or 0

    def get_failures(self, request, credentials=None) -> int:
        """The limit itself when either count has reached its own limit; otherwise the account's.

        django-axes compares this one number with ``AXES_FAILURE_LIMIT``.
        """
        account = get_client_username(request, credentials)
        if is_known_device(request, account):
            return 0
        by_account, by_address = self.counts(request, credentials)
        if by_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(settings.AXES_FAILURE_LIMIT, by_account)
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        account = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=account).delete()
        return count
