"""The contact timeline's interview entries (see contacts/timeline.py): one query per contact.

The interviews and notes are of the contact's workspace: their links are one reversed prefix
plus the id, and the status and kind labels are translated once, not per row.
"""

from django.db import connection
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from contacts.timeline import Entry
from interviews.markup import html_to_text, markdown_to_text
from interviews.models import Interview, Note

# The contact's interviews (in the model's order) and their notes (in theirs), only the columns
# an entry shows, in one statement: through the ORM they were two queries and a model instance
# a row, about 1 ms of CPU each query to build and compile.
_ROWS_SQL = """
SELECT
    (SELECT coalesce(json_agg(json_build_array(
                i.id, i.status, coalesce(i.starts_at, i.created_at), i.purpose,
                i.cancelled_at, i.no_show_at, i.status_reason)
              ORDER BY i.starts_at DESC, i.id DESC), '[]')
     FROM interviews_interview i
     WHERE i.workspace_id = %(ws)s AND i.contact_id = %(contact)s),
    (SELECT coalesce(json_agg(json_build_array(
                n.interview_id, n.kind, n.created_at, n.body_html, n.body)
              ORDER BY n.created_at, n.id), '[]')
     FROM interviews_note n JOIN interviews_interview i ON i.id = n.interview_id
     WHERE n.workspace_id = %(ws)s AND i.workspace_id = %(ws)s AND i.contact_id = %(contact)s)
"""


def entries_for(contact) -> list[Entry]:
    with connection.cursor() as cursor:
        cursor.execute(_ROWS_SQL, {"ws": contact.workspace_id, "contact": contact.pk})
        interviews, notes = cursor.fetchone()
    entries = []
    if not interviews:
        return entries  # no interview, no note
    prefix = reverse("interviews:list", kwargs={"ws": contact.workspace.slug})
    statuses = {value: str(label) for value, label in Interview.Status.choices}
    for pk, status_value, at, purpose, cancelled_at, no_show_at, reason in interviews:
        url = f"{prefix}{pk}/"
        status = statuses.get(status_value, status_value)
        entries.append(
            Entry(
                at=parse_datetime(at),
                kind="interview",
                title=_("Interview (%(status)s)") % {"status": status.lower()},
                body=purpose,
                url=url,
            )
        )
        # A cancelled or missed interview also shows when that happened (a completed one, no).
        happened = {
            Interview.Status.CANCELLED: cancelled_at,
            Interview.Status.NO_SHOW: no_show_at,
        }.get(status_value)
        if happened:
            entries.append(
                Entry(
                    at=parse_datetime(happened),
                    kind=f"interview_{status_value}",
                    title=_("Interview %(status)s") % {"status": status},
                    body=reason,
                    url=url,
                )
            )
    kinds = {value: str(label) for value, label in Note.Kind.choices}
    for interview_id, kind, created_at, body_html, body in notes:
        entries.append(
            Entry(
                at=parse_datetime(created_at),
                kind=f"note_{kind}",
                title=_("Note: %(kind)s") % {"kind": kinds.get(kind, kind)},
                # Note.plain_text, from the two columns
                body=html_to_text(body_html) if body_html else markdown_to_text(body),
                url=f"{prefix}{interview_id}/#notes",
            )
        )
    return entries
