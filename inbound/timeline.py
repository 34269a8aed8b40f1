"""Logged emails on a contact's timeline (contacts.timeline collects them)."""

from django.utils.translation import gettext as _

from contacts.timeline import Entry
from inbound.models import InboundMessage


def entries_for(contact) -> list[Entry]:
    messages = InboundMessage.objects.filter(
        workspace_id=contact.workspace_id, contacts=contact
    ).order_by("-sent_at", "-pk")
    return [
        Entry(
            at=message.sent_at,
            kind="email",
            title=(
                _("Emailed “%(subject)s”")
                if message.direction == InboundMessage.Direction.SENT
                else _("Email received: “%(subject)s”")
            )
            % {"subject": message.subject or _("(no subject)")},
            body=message.excerpt,
        )
        for message in messages
    ]
