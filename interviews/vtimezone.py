"""VTIMEZONE blocks the way the major calendar services publish them.

For each zone an .ics file uses, one STANDARD and one DAYLIGHT component with a yearly RRULE for
the zone's current rules (a zone without DST gets a single STANDARD). The rules are not read
from a database of rules: they are derived from the zone's own transitions (zoneinfo), found by
sampling the years around the file's events and then checked against every transition of those
years. Transitions that follow no yearly rule (a zone changing its offset, Morocco's Ramadan
clock) are written as components of their own. Within the years around the events, the block
therefore gives the exact offset zoneinfo gives, whatever the reader's own zone database says.
"""

import calendar
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Far enough apart to be cheap, close enough that no two transitions fall in one step: the
# closest pairs of this century in the tz database are weeks apart.
STEP = 86400
EPOCH_ONSET = "19700101T000000"


@dataclass(frozen=True)
class Transition:
    at: int  # Unix time of the first second of the new observance
    offset_from: timedelta
    offset_to: timedelta
    is_dst: bool
    name: str

    @property
    def kind(self) -> tuple:
        return (self.offset_from, self.offset_to, self.is_dst, self.name)

    @property
    def onset(self) -> datetime:
        """The transition on the clocks it ends (RFC 5545 reads DTSTART in TZOFFSETFROM)."""
        return datetime.fromtimestamp(self.at, UTC).replace(tzinfo=None) + self.offset_from


def _state(zone: zoneinfo.ZoneInfo, at: int) -> tuple:
    moment = datetime.fromtimestamp(at, zone)
    return moment.utcoffset(), moment.dst() > timedelta(0), moment.tzname() or ""


@lru_cache(maxsize=8192)
def year_transitions(key: str, year: int) -> tuple[Transition, ...]:
    """The zone's transitions in ``year`` (UTC, half-open at the start), oldest first."""
    zone = zoneinfo.ZoneInfo(key)
    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    found = []
    before, at = _state(zone, start), start
    while at < end:
        step_end = min(at + STEP, end)
        after = _state(zone, step_end)
        if after != before:
            low, high = at, step_end
            while high - low > 1:
                middle = (low + high) // 2
                if _state(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, before[0], after[0], after[1], after[2]))
        before, at = after, step_end
    return tuple(found)


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _yearly_rule(onsets: list[datetime]) -> dict | None:
    """An RRULE (as parts) that yields exactly ``onsets``, one a year, or None."""
    years = [o.year for o in onsets]
    if len(onsets) < 2 or years != list(range(years[0], years[0] + len(years))):
        return None
    first = onsets[0]
    if any((o.month, o.time()) != (first.month, first.time()) for o in onsets):
        return None
    month, days = first.month, [o.day for o in onsets]
    weekdays = {o.weekday() for o in onsets}
    candidates = []
    if len(weekdays) == 1:
        weekday = WEEKDAYS[first.weekday()]
        nths = {(d - 1) // 7 + 1 for d in days}
        if len(nths) == 1 and (nth := nths.pop()) <= 4:
            candidates.append({"BYDAY": f"{nth}{weekday}"})
        if all(o.day + 7 > _month_days(o.year, month) for o in onsets):
            candidates.append({"BYDAY": f"-1{weekday}"})
        if max(days) - min(days) <= 6 and max(days) <= 28:
            # "The Friday before the last Sunday": a weekday within a seven-day window.
            start = max(1, max(days) - 6)
            window = ",".join(str(d) for d in range(start, start + 7))
            candidates.append({"BYDAY": weekday, "BYMONTHDAY": window})
    if len(set(days)) == 1:
        candidates.append({"BYMONTHDAY": str(days[0])})
    for parts in candidates:
        if all(_rule_day(parts, o.year, month) == o.day for o in onsets):
            return {"FREQ": "YEARLY", "BYMONTH": str(month), **parts}
    return None


def _rule_day(parts: dict, year: int, month: int) -> int | None:
    """The day of ``month`` the rule picks in ``year`` (None when it picks none or several)."""
    length = _month_days(year, month)
    picked = range(1, length + 1)
    if "BYMONTHDAY" in parts:
        allowed = {int(d) for d in parts["BYMONTHDAY"].split(",")}
        picked = [d for d in picked if d in allowed]
    if "BYDAY" in parts:
        code = parts["BYDAY"]
        weekday = WEEKDAYS.index(code[-2:])
        matching = [d for d in picked if calendar.weekday(year, month, d) == weekday]
        nth = int(code[:-2] or 0)
        if nth > 0:
            picked = matching[nth - 1 : nth]
        elif nth < 0:
            picked = matching[nth:][:1]
        else:
            picked = matching
    return picked[0] if len(picked) == 1 else None


def _offset(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


def _component(kind: tuple, onset: str, rrule: str = "") -> list[str]:
    offset_from, offset_to, is_dst, name = kind
    block = "DAYLIGHT" if is_dst else "STANDARD"
    lines = [f"BEGIN:{block}", f"DTSTART:{onset}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines += [f"TZOFFSETFROM:{_offset(offset_from)}", f"TZOFFSETTO:{_offset(offset_to)}"]
    if name:
        lines.append(f"TZNAME:{name}")
    return [*lines, f"END:{block}"]


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


@lru_cache(maxsize=4096)
def vtimezone(key: str, first_year: int, last_year: int) -> tuple[str, ...]:
    """Content lines of the zone's VTIMEZONE, exact for ``first_year`` to ``last_year``.

    The year before and the year after are sampled too, so that a rule is recognised from at
    least three of its transitions and the first event already has an onset before it.
    """
    years = range(first_year - 1, last_year + 2)
    transitions = [t for year in years for t in year_transitions(key, year)]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{key}"]
    if not transitions or transitions[0].at > datetime(first_year, 1, 1, tzinfo=UTC).timestamp():
        # The observance in force before anything in the window changes.
        zone = zoneinfo.ZoneInfo(key)
        offset, is_dst, name = _state(zone, int(datetime(years[0], 1, 1, tzinfo=UTC).timestamp()))
        lines += _component((offset, offset, is_dst, name), EPOCH_ONSET)
    groups: dict[tuple, list[Transition]] = {}
    for transition in transitions:
        groups.setdefault(transition.kind, []).append(transition)
    for kind, group in groups.items():
        onsets = [t.onset for t in group]
        rule = _yearly_rule(onsets)
        if rule is None:
            for onset in onsets:
                lines += _component(kind, _local(onset))
            continue
        rrule = ";".join(f"{part}={value}" for part, value in rule.items())
        if onsets[-1].year < years[-1]:
            # The rule stopped inside the window (a zone that gave up DST): end it there.
            until = datetime.fromtimestamp(group[-1].at, UTC)
            rrule += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
        lines += _component(kind, _local(onsets[0]), rrule)
    return (*lines, "END:VTIMEZONE")
