"""Rate limits, counted in the shared cache so that they hold across processes and nodes.

Each limit has a name and a rate in ``settings.RATE_LIMITS`` (``"5/m"``, ``"100/h"``...). A view
asks ``limited(request, "signup", key)``; when the caller is over the limit, it answers with
``too_many(request, usage)``: 429, ``Retry-After`` and a page that says when to try again.
Counting uses django-ratelimit's fixed windows.
"""

import logging
import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from infoview.clientip import client_ip

logger = logging.getLogger(__name__)


def usage(request, name: str, key: str | None = None, *, increment: bool = True) -> dict | None:
    """The count for this caller in the current window, or None when limits are off."""
    rate = settings.RATE_LIMITS.get(name)
    if not rate:
        return None
    value = key if key is not None else client_ip(request)
    try:
        return get_usage(
            request,
            group=f"infoview.{name}",
            key=lambda _group, _request: value,
            rate=rate,
            increment=increment,
        )
    except Exception:
        # The cache (Redis) is down or restarting. A flood guard must not take log-in and
        # sign-up down with it: the request goes through uncounted (django-axes's per-account
        # lock lives in the database and still holds).
        logger.warning("Rate limit %s not counted: the cache did not answer.", name, exc_info=True)
        return None


def limited(request, name: str, key: str | None = None) -> dict | None:
    """Count one request; the usage when it is over the limit, else None."""
    current = usage(request, name, key)
    if current and current["should_limit"]:
        return current
    return None


def retry_after(current: dict) -> int:
    return max(1, math.ceil(current["time_left"]))


def too_many(request, current: dict):
    seconds = retry_after(current)
    response = render(
        request,
        "429.html",
        {"retry_after": seconds, "minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def user_or_address(request) -> str:
    """Signed-in callers are counted per account (a team behind one office address does not
    share one budget); anonymous ones per client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def ratelimit(name: str, *, key=None, methods=("POST",)):
    """Decorate a view: over the limit, requests with one of ``methods`` get the 429 page.

    ``key(request)`` picks what is counted (the client's address when not given).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                current = limited(request, name, key(request) if key else None)
                if current:
                    return too_many(request, current)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
