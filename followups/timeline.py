"""The follow-ups on a contact's timeline (registered with contacts.timeline in apps.py)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contacts.facts import Fact
from contacts.timeline import Entry
from followups.models import FollowUp


def entries_for(contact) -> list[Entry]:
    """Closed follow-ups (what happened), and the pending ones (what is next); one query."""
    entries = []
    rows = FollowUp.objects.filter(workspace_id=contact.workspace_id, contact=contact)
    for followup in rows.select_related("workspace").order_by("-due_at", "-pk"):
        url = followup.get_absolute_url()
        if followup.status == FollowUp.Status.DONE:
            if followup.message_id:
                title = _("Sent “%(subject)s”") % {
                    "subject": followup.subject or followup.display_title
                }
                body = _("Email, Message-ID %(id)s") % {"id": followup.message_id}
            else:
                title = _("Done: %(title)s") % {"title": followup.display_title}
                body = followup.get_channel_display() if followup.channel else ""
            entries.append(
                Entry(at=followup.done_at, kind="followup_done", title=title, body=body, url=url)
            )
        elif followup.status == FollowUp.Status.SKIPPED:
            entries.append(
                Entry(
                    at=followup.done_at or followup.due_at,
                    kind="followup_skipped",
                    title=_("Skipped: %(title)s") % {"title": followup.display_title},
                    url=url,
                )
            )
        else:
            entries.append(
                Entry(
                    at=followup.effective_due_at,
                    kind="followup_due",
                    title=_("Due: %(title)s") % {"title": followup.display_title},
                    url=url,
                )
            )
    return entries


def facts_for(contact) -> list[Fact]:
    """When the next keep-in-touch is due (shown on the contact's page); one query."""
    followup = (
        FollowUp.objects.filter(
            workspace_id=contact.workspace_id,
            contact=contact,
            kind=FollowUp.Kind.KEEP_IN_TOUCH,
            status__in=FollowUp.PENDING_STATUSES,
        )
        .select_related("workspace")
        .order_by("due_at")
        .first()
    )
    if followup is None:
        return [Fact(label=_("Next keep-in-touch"), value=_("none planned"))]
    due = timezone.localtime(followup.effective_due_at)
    return [
        Fact(
            label=_("Next keep-in-touch"),
            value=date_format(due, "j M Y"),
            at=due,
            url=followup.get_absolute_url(),
        )
    ]
