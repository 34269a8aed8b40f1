"""Logged emails on a contact's timeline (contacts.timeline collects them)."""

from django.db import connection
from django.utils.translation import gettext as _

from contacts.timeline import Entry
from inbound.models import InboundMessage

# Only the columns an entry shows: the ORM's query (a model instance a row, the join built and
# compiled) cost about 1 ms of CPU on every contact page, most of which have no logged email.
_ROWS_SQL = """
SELECT m.sent_at, m.direction, m.subject, m.excerpt
FROM inbound_inboundmessage m
JOIN inbound_inboundmessage_contacts mc ON mc.inboundmessage_id = m.id
WHERE m.workspace_id = %s AND mc.contact_id = %s
ORDER BY m.sent_at DESC, m.id DESC
"""


def entries_for(contact) -> list[Entry]:
    with connection.cursor() as cursor:
        cursor.execute(_ROWS_SQL, [contact.workspace_id, contact.pk])
        rows = cursor.fetchall()
    return [
        Entry(
            at=sent_at,
            kind="email",
            title=(
                _("Emailed “%(subject)s”")
                if direction == InboundMessage.Direction.SENT
                else _("Email received: “%(subject)s”")
            )
            % {"subject": subject or _("(no subject)")},
            body=excerpt,
        )
        for sent_at, direction, subject, excerpt in rows
    ]
