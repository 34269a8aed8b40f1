"""Local wall-clock times to aware datetimes, refusing DST gaps and asking about DST folds."""

import zoneinfo
from datetime import UTC, datetime


class NonexistentLocalTime(ValueError):
    """The clocks skip this time (spring forward): nobody can meet at it."""


class AmbiguousLocalTime(ValueError):
    """The clocks pass this time twice (fall back): the user must say which one."""

    def __init__(self, earlier: datetime, later: datetime):
        super().__init__("ambiguous local time")
        self.earlier = earlier
        self.later = later


EARLIER, LATER = "earlier", "later"


def _round_trips(aware: datetime) -> bool:
    back = aware.astimezone(UTC).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None, fold=0) == aware.replace(tzinfo=None, fold=0)


def make_aware(naive: datetime, time_zone: str, fold: str = "") -> datetime:
    """The moment ``naive`` means on the clocks of ``time_zone``.

    Raises NonexistentLocalTime in a gap; AmbiguousLocalTime in a fold unless ``fold`` says
    EARLIER (the first pass, before the clocks go back) or LATER.
    """
    zone = zoneinfo.ZoneInfo(time_zone)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if not _round_trips(first):
        raise NonexistentLocalTime(naive)
    if first.utcoffset() != second.utcoffset():
        if fold == EARLIER:
            return first.astimezone(UTC)
        if fold == LATER:
            return second.astimezone(UTC)
        raise AmbiguousLocalTime(first.astimezone(UTC), second.astimezone(UTC))
    return first.astimezone(UTC)
