"""Middleware for input no page should ever see, and for Django's own debug pages.

- A NUL character can never be stored in PostgreSQL text, and no form of ours needs one: a query
  string or form value holding one is answered with 400 before any view turns it into a query.
- Django's debug pages (DEBUG on: the technical 404 and 500) switch the Content-Security-Policy
  off, because they carry inline styles. They reflect the request's path, so they get a policy
  of their own: their inline styles, nothing else (no script, no form, no frame).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

DEBUG_PAGE_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The REST API answers bad input itself, as problem+json (api/problems.py); the email services'
# inbound webhooks are read by anymail from the raw body, which must stay unread here.
OWN_ANSWER_PREFIXES = ("/api/", "/inbound/")


def _holds_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = not request.path.startswith(OWN_ANSWER_PREFIXES) and (
            _holds_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type in FORM_TYPES
                and _holds_nul(request.POST)
            )
        )
        if refused:
            return render(
                request,
                "400.html",
                {"message": _("The request holds a character that cannot be stored (NUL).")},
                status=400,
            )
        response = self.get_response(request)
        if settings.DEBUG and getattr(response, "_csp_config", None) == {}:
            response._csp_config = DEBUG_PAGE_CSP
        return response
