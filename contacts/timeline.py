"""Everything that happened with a person, newest first.

Contacts gives its own events (created, stage changes, referrals made and received); other apps
add theirs through ``<app>.timeline.entries_for(contact) -> list[Entry]``, each in a bounded
number of queries.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.utils.translation import gettext as _

PROVIDERS = ("interviews", "followups", "inbound")


@dataclass
class Entry:
    at: datetime
    kind: str
    title: str
    body: str = ""
    url: str = ""


def _own_entries(contact) -> list[Entry]:
    entries = [Entry(at=contact.created_at, kind="created", title=_("Added to contacts"))]
    if contact.introduced_by_id:
        introducer = contact.introduced_by
        entries.append(
            Entry(
                at=contact.created_at,
                kind="referral_received",
                title=_("Introduced by %(name)s") % {"name": introducer},
                url=introducer.get_absolute_url(),
            )
        )
    for person in contact.introduced.select_related("workspace").order_by("created_at"):
        entries.append(
            Entry(
                at=person.created_at,
                kind="referral_made",
                title=_("Introduced %(name)s") % {"name": person},
                url=person.get_absolute_url(),
            )
        )
    for change in contact.stage_changes.select_related("changed_by"):
        if change.from_stage:
            title = _("Stage: %(old)s → %(new)s") % {
                "old": change.get_from_stage_display(),
                "new": change.get_to_stage_display(),
            }
        else:
            title = _("Stage: %(new)s") % {"new": change.get_to_stage_display()}
        by = _("by %(name)s") % {"name": change.changed_by} if change.changed_by else ""
        entries.append(Entry(at=change.changed_at, kind="stage", title=title, body=by))
    return entries


def _provider(app: str):
    try:
        module = import_module(f"{app}.timeline")
    except ModuleNotFoundError as error:
        if error.name in {app, f"{app}.timeline"}:
            return None
        raise
    return getattr(module, "entries_for", None)


def timeline_for(contact) -> list[Entry]:
    entries = _own_entries(contact)
    for app in PROVIDERS:
        provider = _provider(app)
        if provider is not None:
            entries.extend(provider(contact))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
