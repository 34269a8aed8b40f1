"""Other apps' events in a user's private calendar feed.

Interviews cannot know the apps above it, so they register here (in their ``AppConfig.ready()``)
a source: ``source(*, user, since, now) -> Iterable[icalendar.Event]``, called once per feed
request, after the user's interviews are in.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

import icalendar

FeedSource = Callable[..., Iterable[icalendar.Event]]

_sources: list[FeedSource] = []


def register_feed_source(source: FeedSource) -> None:
    """Add ``source`` to every feed; registering the same one twice is harmless."""
    if source not in _sources:
        _sources.append(source)


def feed_events(*, user, since: datetime, now: datetime) -> list[icalendar.Event]:
    events = []
    for source in _sources:
        events.extend(source(user=user, since=since, now=now))
    return events
