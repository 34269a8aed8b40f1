"""Follow-ups in the user's private calendar feed (registered with interviews.feed)."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import icalendar
from django.utils.translation import gettext as _

from followups.selectors import followups_for_feed
from interviews.ics import uid_domain

# Follow-ups due more than a year out are not yet worth a slot.
FEED_AHEAD = timedelta(days=365)


def feed_events(*, user, since: datetime, now: datetime) -> Iterator[icalendar.Event]:
    """The user's pending follow-ups from ``since`` to a year ahead, as 15-minute slots."""
    domain, kinds = uid_domain(), {}
    for followup in followups_for_feed(user=user, since=since, until=now + FEED_AHEAD):
        if followup.kind not in kinds:  # translated once per kind, not once per row
            kinds[followup.kind] = str(followup.get_kind_display())
        starts = followup.effective_due_at
        event = icalendar.Event()
        event.add("uid", f"followup-{followup.pk}@{domain}")
        event.add("dtstamp", now)
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(minutes=15))
        event.add(
            "summary",
            _("%(kind)s: %(name)s")
            % {"kind": kinds[followup.kind], "name": followup.contact.full_name},
        )
        event.add("transp", "TRANSPARENT")
        yield event
