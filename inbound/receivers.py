"""anymail's ``inbound`` signal: every ESP webhook ends here, then in inbound_receive."""

import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from inbound import services
from inbound.models import Refusal

logger = logging.getLogger(__name__)


class WebhookRefused(Exception):
    """The post is answered 400 with this reason (the webhook view's guard does it)."""


def _verdicts(esp_name: str, event) -> dict:
    """The provider's own SPF and DKIM results, where it gives them."""
    raw, message = event.esp_event, event.message
    if esp_name == "Amazon SES" and isinstance(raw, dict):
        receipt = raw.get("receipt") or {}
        return {
            "spf": str((receipt.get("spfVerdict") or {}).get("status", "")).lower(),
            "dkim": str((receipt.get("dkimVerdict") or {}).get("status", "")).lower(),
        }
    if esp_name == "Mailgun":
        return {
            "spf": str(message.get("X-Mailgun-Spf") or "").lower(),
            "dkim": str(message.get("X-Mailgun-Dkim-Check-Result") or "").lower(),
        }
    if esp_name == "SendGrid" and hasattr(raw, "POST"):
        dkim = raw.POST.get("dkim", "")
        return {
            "spf": raw.POST.get("SPF", "").lower(),
            "dkim": "pass" if ": pass" in dkim else ("fail" if ": fail" in dkim else ""),
        }
    return {}


def _replayed(esp_name: str, event) -> bool:
    if event.timestamp is not None:
        age = (timezone.now() - event.timestamp).total_seconds()
        if age > settings.INBOUND_WEBHOOK_MAX_AGE:
            return True
    if event.event_id:
        seen = json.dumps([esp_name, str(event.event_id)]).encode()
        key = "inbound:event:" + hashlib.sha256(seen).hexdigest()
        if not cache.add(key, 1, timeout=max(settings.INBOUND_WEBHOOK_MAX_AGE, 86400)):
            return True
    return False


def anymail_message(sender, event, esp_name, **kwargs):
    channel = f"webhook:{esp_name}"
    if _replayed(esp_name, event):
        services.refusal_record(reason=Refusal.Reason.REPLAYED, channel=channel)
        raise WebhookRefused("replayed or stale webhook")
    message = event.message
    recipients = [message.envelope_recipient] if message.envelope_recipient else []
    outcome = services.inbound_receive(
        message=message,
        channel=channel,
        envelope_recipients=recipients,
        verdicts=_verdicts(esp_name, event),
    )
    logger.info("inbound %s: %s %s", channel, outcome.status, outcome.reason)
