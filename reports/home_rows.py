"""The workspace home's interview and follow-up items, written with string joins.

Up to 80 items, each with a date filter (which translates day and month names again), a
follow-up's kind label and a ``{% blocktranslate %}`` readiness badge: through the template
engine they cost more than the page's queries. The labels are translated once per request and
each item is an f-string with every value escaped: the same markup.
"""

from html import escape

from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext as _

from followups.models import FollowUp
from infoview.dates import DateLabels
from interviews.rows import Readiness


class _Unit:
    """One of ``timesince``'s units (``TIME_STRINGS``), each count written once.

    ``timesince`` writes ``time_strings[unit] % {"num": n}``; with Django's lazy plurals each
    of those looked the plural up in the catalogue again (two a person, twenty people).
    """

    def __init__(self, plural):
        self.plural = plural
        self.written = {}

    def __mod__(self, values: dict) -> str:
        text = self.written.get(values["num"])
        if text is None:
            text = self.written[values["num"]] = self.plural % values
        return text


class HomeLabels:
    def __init__(self, *, interviews_prefix: str, followups_prefix: str, contacts_prefix: str):
        self.interviews = interviews_prefix
        self.followups = followups_prefix
        self.contacts = contacts_prefix
        self.due_since = _("due %(since)s ago")
        self.dates = DateLabels()
        self.kinds = {value: escape(str(label)) for value, label in FollowUp.Kind.choices}
        self.readiness = Readiness()
        # In the language of this request: the labels are made once per request.
        self.time_strings = {unit: _Unit(plural) for unit, plural in TIME_STRINGS.items()}


def interview_item(interview, labels: HomeLabels) -> str:
    ready = labels.readiness.badge(interview)
    return (
        '<li class="list-group-item d-flex justify-content-between align-items-center">\n'
        f'  <span><a href="{labels.interviews}{interview.pk}/">'
        f"{escape(interview.full_name)}</a>\n"
        f'    <span class="text-body-secondary small">{labels.dates.short(interview.starts_at)}'
        f"</span></span>\n  {ready}\n</li>"
    )


def followup_item(followup, labels: HomeLabels) -> str:
    title = escape(followup.title) if followup.title else labels.kinds.get(followup.kind, "")
    return (
        '<li class="list-group-item d-flex justify-content-between align-items-center">\n'
        f'  <span><a href="{labels.followups}{followup.pk}/">{title}</a>\n'
        f"    · {escape(followup.full_name)}</span>\n"
        f'  <span class="text-body-secondary small">{labels.dates.day_month_time(followup.next_at)}'
        "</span>\n</li>"
    )


def contact_item(contact, labels: HomeLabels) -> str:
    """A person due for keeping in touch, with the surrounding whitespace of the template's loop."""
    since = escape(timesince(contact.due_at, time_strings=labels.time_strings))
    return (
        '\n      <li class="list-group-item d-flex justify-content-between">\n'
        f'        <a href="{labels.contacts}{contact.pk}/">{escape(contact.full_name)}</a>\n'
        f'        <span class="text-body-secondary small">{labels.due_since % {"since": since}}'
        "</span>\n      </li>\n      "
    )
