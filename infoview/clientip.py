"""The client's address, the same for rate limits and the log-in lock.

Behind a reverse proxy every request comes from the proxy's address. The address the proxy saw
is taken from ``X-Forwarded-For`` only when ``TRUSTED_PROXY_COUNT`` says how many proxies stand
in front of the app (each appends one address, so the client is that many places from the end);
otherwise the header is ignored, because anyone can send it.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]


def ratelimit_key(group, request) -> str:
    """django-ratelimit's key function: the client's address."""
    return client_ip(request)
