"""The contact timeline's interview entries (see contacts/timeline.py): two queries per contact.

The interviews and notes are of the contact's workspace: their links are one reversed prefix
plus the id, and the status and kind labels are translated once, not per row.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from contacts.timeline import Entry
from interviews.models import Interview, Note


def entries_for(contact) -> list[Entry]:
    entries = []
    interviews = list(Interview.objects.filter(workspace_id=contact.workspace_id, contact=contact))
    if not interviews:
        return entries  # no interview, no note
    prefix = reverse("interviews:list", kwargs={"ws": contact.workspace.slug})
    statuses = {value: str(label) for value, label in Interview.Status.choices}
    for interview in interviews:
        url = f"{prefix}{interview.pk}/"
        status = statuses.get(interview.status, interview.status)
        entries.append(
            Entry(
                at=interview.starts_at or interview.created_at,
                kind="interview",
                title=_("Interview (%(status)s)") % {"status": status.lower()},
                body=interview.purpose,
                url=url,
            )
        )
        happened = {
            Interview.Status.COMPLETED: interview.completed_at,
            Interview.Status.CANCELLED: interview.cancelled_at,
            Interview.Status.NO_SHOW: interview.no_show_at,
        }.get(interview.status)
        if happened and interview.status != Interview.Status.COMPLETED:
            entries.append(
                Entry(
                    at=happened,
                    kind=f"interview_{interview.status}",
                    title=_("Interview %(status)s") % {"status": status},
                    body=interview.status_reason,
                    url=url,
                )
            )
    kinds = {value: str(label) for value, label in Note.Kind.choices}
    notes = Note.objects.filter(
        workspace_id=contact.workspace_id, interview_id__in=[i.pk for i in interviews]
    )
    for note in notes:
        entries.append(
            Entry(
                at=note.created_at,
                kind=f"note_{note.kind}",
                title=_("Note: %(kind)s") % {"kind": kinds.get(note.kind, note.kind)},
                body=note.plain_text,
                url=f"{prefix}{note.interview_id}/#notes",
            )
        )
    return entries
