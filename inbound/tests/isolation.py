from django.utils import timezone

from inbound.models import UnknownAddress
from infoview.testing.isolation import PUBLIC, register, ws_kwargs


def _unknown_pk(world):
    def make(w):
        unknown, _created = UnknownAddress.objects.update_or_create(
            workspace=w.workspace,
            email="stranger@example.test",
            defaults={"resolved_at": None, "last_seen_at": timezone.now()},
        )
        return unknown.pk

    return world.once("inbound_unknown", make)


register("inbound:page")
register("inbound:rotate", method="post")
register("inbound:unknown_add", kwargs=ws_kwargs(pk=_unknown_pk), method="post")
register("inbound:unknown_dismiss", kwargs=ws_kwargs(pk=_unknown_pk), method="post")
# Mailgun's inbound webhook takes an optional "_mime" in its path; the provider's secret, not
# a membership, guards it (inbound/tests/test_webhooks.py).
register("inbound_webhooks:mailgun_inbound_webhook", kwargs=lambda w: {}, access=PUBLIC)
