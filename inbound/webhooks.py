"""anymail's inbound webhook views, mounted behind a guard: off until a secret is set, a size
limit before anything is read, and a clear 4xx (never a 500) for whatever cannot be read."""

import logging
from functools import wraps

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

from inbound import services
from inbound.models import Refusal
from inbound.receivers import WebhookRefused

logger = logging.getLogger(__name__)


def _answer(status: int, reason: str) -> HttpResponse:
    return HttpResponse(reason + "\n", status=status, content_type="text/plain; charset=utf-8")


def guarded(view, name: str):
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.INBOUND_WEBHOOK_SECRET:
            raise Http404("Inbound webhooks are off: INBOUND_WEBHOOK_SECRET is not set.")
        if name.startswith("mailgun") and not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
            raise Http404("Mailgun's webhook is off: INBOUND_MAILGUN_SIGNING_KEY is not set.")
        channel = f"webhook:{name}"
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.INBOUND_MAX_BYTES:
            services.refusal_record(reason=Refusal.Reason.TOO_LARGE, channel=channel)
            return _answer(413, "message too large")
        try:
            return view(request, *args, **kwargs)
        except AnymailWebhookValidationFailure:
            return _answer(400, "webhook authentication failed")
        except WebhookRefused as refused:
            return _answer(400, str(refused))
        except RequestDataTooBig:
            services.refusal_record(reason=Refusal.Reason.TOO_LARGE, channel=channel)
            return _answer(413, "message too large")
        except (AnymailError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            # A payload anymail cannot read: the provider's shape changed, or it is not theirs.
            logger.warning("inbound %s: unreadable payload", channel, exc_info=True)
            services.refusal_record(reason=Refusal.Reason.MALFORMED, channel=channel)
            return _answer(400, "unreadable payload")

    return wrapper


def urlpatterns() -> list:
    """Each of anymail's inbound routes (one per provider), guarded."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name.endswith("inbound_webhook"):
            patterns.append(
                URLPattern(
                    pattern.pattern, guarded(pattern.callback, pattern.name), name=pattern.name
                )
            )
    return patterns
