"""The contact timeline's interview entries (see contacts/timeline.py): two queries per contact."""

from django.utils.translation import gettext as _

from contacts.timeline import Entry
from interviews.models import Interview, Note


def entries_for(contact) -> list[Entry]:
    entries = []
    interviews = Interview.objects.filter(workspace_id=contact.workspace_id, contact=contact)
    for interview in interviews.select_related("workspace"):
        url = interview.get_absolute_url()
        title = _("Interview (%(status)s)") % {"status": interview.get_status_display().lower()}
        entries.append(
            Entry(
                at=interview.starts_at or interview.created_at,
                kind="interview",
                title=title,
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
                    title=_("Interview %(status)s") % {"status": interview.get_status_display()},
                    body=interview.status_reason,
                    url=url,
                )
            )
    notes = Note.objects.filter(workspace_id=contact.workspace_id, interview__contact=contact)
    for note in notes.select_related("interview__workspace"):
        entries.append(
            Entry(
                at=note.created_at,
                kind=f"note_{note.kind}",
                title=_("Note: %(kind)s") % {"kind": note.get_kind_display()},
                body=note.plain_text,
                url=f"{note.interview.get_absolute_url()}#notes",
            )
        )
    return entries
