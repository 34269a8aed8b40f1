"""Everything that happened with a person, newest first.

Contacts gives its own events (created, stage changes, referrals made and received); the apps
above it add theirs by registering a provider, ``fn(contact) -> list[Entry]`` answering in a
bounded number of queries, from their ``AppConfig.ready()``. Providers run in registration
order, i.e. INSTALLED_APPS order, which also orders entries of the same moment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from infoview.dates import DateLabels


@dataclass
class Entry:
    at: datetime
    kind: str
    title: str
    body: str = ""
    url: str = ""


# The other apps' entries, filled by register_provider from their AppConfig.ready().
_providers: list[Callable[..., list[Entry]]] = []


def _own_entries(contact, introduced=None, stage_changes=None) -> list[Entry]:
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
    # The contact's page reads the people it introduced once for the page and the timeline;
    # they are of the contact's workspace, so their links need no query of their own.
    if introduced is None:
        introduced = contact.introduced.all()
    for person in sorted(introduced, key=lambda person: (person.created_at, person.pk)):
        person.workspace = contact.workspace
        entries.append(
            Entry(
                at=person.created_at,
                kind="referral_made",
                title=_("Introduced %(name)s") % {"name": person},
                url=person.get_absolute_url(),
            )
        )
    if stage_changes is None:
        stage_changes = contact.stage_changes.select_related("changed_by")
    for change in stage_changes:
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


def register_provider(fn: Callable[..., list[Entry]]) -> None:
    """Add ``fn(contact) -> list[Entry]`` to every timeline (registering twice adds it once)."""
    if fn not in _providers:
        _providers.append(fn)


def timeline_for(contact, *, introduced=None, stage_changes=None) -> list[Entry]:
    """``introduced``: the people the contact introduced, ``stage_changes`` its stage changes
    (newest first, with ``changed_by``), when the caller has read them."""
    entries = _own_entries(contact, introduced, stage_changes)
    for provider in _providers:
        entries.extend(provider(contact))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def timeline_html(entries: list[Entry]) -> SafeString:
    """The entries as the contact page's timeline items, the template loop's markup byte for byte.

    Written with string joins: through the template engine each entry cost a dozen variable
    lookups, a ``linebreaksbr`` and its dates' month name translated again (~0.1 ms apiece, a
    busy person has dozens). The day and month names are translated once (``DateLabels``)."""
    dates = DateLabels()
    return mark_safe("".join(_entry_html(entry, dates) for entry in entries))  # noqa: S308


def _entry_html(entry: Entry, dates: DateLabels) -> str:
    iso, when = esc(dates.iso(entry.at)), esc(dates.day_month_year_time(entry.at))
    title = esc(entry.title)
    if entry.url:
        title = f'<a href="{esc(entry.url)}">{title}</a>'
    body = f'<div class="small">{linebreaksbr(entry.body)}</div>' if entry.body else ""
    return (
        f'\n      <li class="timeline-entry timeline-{esc(entry.kind)} border-start ps-3 pb-3">\n'
        '        <div class="small text-body-secondary">'
        f'<time datetime="{iso}">{when}</time></div>\n'
        f'        <div class="fw-semibold">{title}</div>\n'
        f"        {body}\n      </li>\n      "
    )
