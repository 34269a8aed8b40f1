"""The follow-ups on a contact's timeline (registered with contacts.timeline in apps.py)."""

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contacts.facts import Fact
from contacts.timeline import Entry
from followups.models import FollowUp
from infoview import joined

_FOLLOWUPS_SQL = f"""
SELECT {joined.columns(FollowUp, "f")} FROM followups_followup f
WHERE f.workspace_id = %s AND f.contact_id = %s
ORDER BY f.due_at DESC, f.id DESC
"""  # noqa: S608 - the column list is the model's own


def _followups(contact) -> list[FollowUp]:
    """The contact's follow-ups, newest due first: one query for its timeline and its facts.

    Kept on the contact object, which lives for one request (its page asks for both).
    """
    rows = contact.__dict__.get("_followups_for_page")
    if rows is None:
        # Written by hand (infoview/joined.py): the ORM's query cost ~2 ms of CPU to build and
        # compile, and the page waits for it on every view.
        with connection.cursor() as cursor:
            cursor.execute(_FOLLOWUPS_SQL, [contact.workspace_id, contact.pk])
            rows = [joined.instances((FollowUp,), row)[0] for row in cursor.fetchall()]
        for followup in rows:  # of the contact's workspace: the links need no query
            followup.workspace = contact.workspace
        contact.__dict__["_followups_for_page"] = rows
    return rows


def entries_for(contact) -> list[Entry]:
    """Closed follow-ups (what happened), and the pending ones (what is next); one query.

    The labels are translated once and the links are one reversed prefix plus the id, not a
    lookup and a ``reverse()`` per row."""
    entries = []
    followups = _followups(contact)
    if not followups:
        return entries
    prefix = reverse("followups:list", kwargs={"ws": contact.workspace.slug})
    kinds = {value: str(label) for value, label in FollowUp.Kind.choices}
    channels = {value: str(label) for value, label in FollowUp.Channel.choices}
    for followup in followups:
        url = f"{prefix}{followup.pk}/"
        title_or_kind = followup.title or kinds.get(followup.kind, followup.kind)
        if followup.status == FollowUp.Status.DONE:
            if followup.message_id:
                title = _("Sent “%(subject)s”") % {"subject": followup.subject or title_or_kind}
                body = _("Email, Message-ID %(id)s") % {"id": followup.message_id}
            else:
                title = _("Done: %(title)s") % {"title": title_or_kind}
                body = channels.get(followup.channel, followup.channel) if followup.channel else ""
            entries.append(
                Entry(at=followup.done_at, kind="followup_done", title=title, body=body, url=url)
            )
        elif followup.status == FollowUp.Status.SKIPPED:
            entries.append(
                Entry(
                    at=followup.done_at or followup.due_at,
                    kind="followup_skipped",
                    title=_("Skipped: %(title)s") % {"title": title_or_kind},
                    url=url,
                )
            )
        else:
            entries.append(
                Entry(
                    at=followup.effective_due_at,
                    kind="followup_due",
                    title=_("Due: %(title)s") % {"title": title_or_kind},
                    url=url,
                )
            )
    return entries


def facts_for(contact) -> list[Fact]:
    """When the next keep-in-touch is due (shown on the contact's page); one query."""
    pending = [
        followup
        for followup in _followups(contact)
        if followup.kind == FollowUp.Kind.KEEP_IN_TOUCH
        and followup.status in FollowUp.PENDING_STATUSES
    ]
    # The earliest due (the rows come latest first; among equal dates, the lowest id).
    followup = min(pending, key=lambda f: (f.due_at, f.pk), default=None)
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
