"""A calendar reader that knows no time zones but the ones the file defines.

It is how a strict client reads an .ics file: every TZID time is turned into an instant with the
offsets of the file's own VTIMEZONE (onsets expanded with dateutil's RRULE engine), never with
a zone database. Tests compare what it reads with the instants Infoview meant.
"""

import bisect
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

HORIZON = datetime(2045, 1, 1)


def unfold(body: bytes) -> list[str]:
    text = body.decode()
    assert "\n" not in text.replace("\r\n", ""), "lines must end with CRLF"
    lines: list[str] = []
    for raw in text.split("\r\n"):
        assert len(raw.encode()) <= 75, f"unfolded line longer than 75 octets: {raw!r}"
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def _property(line: str) -> tuple[str, dict, str]:
    # The value starts at the first colon outside a quoted parameter value.
    head = re.match(r'(?:[^":]|"[^"]*")*', line).group(0)
    value = line[len(head) + 1 :]
    name, *params = head.split(";")
    return name.upper(), dict(p.split("=", 1) for p in params), value


@dataclass
class Component:
    name: str
    props: list = field(default_factory=list)
    children: list = field(default_factory=list)

    def get(self, name: str):
        for prop_name, params, value in self.props:
            if prop_name == name:
                return params, value
        return None

    def all(self, name: str):
        return [(p, v) for n, p, v in self.props if n == name]


def parse(body: bytes) -> Component:
    stack = [Component("ROOT")]
    for line in unfold(body):
        name, params, value = _property(line)
        if name == "BEGIN":
            child = Component(value)
            stack[-1].children.append(child)
            stack.append(child)
        elif name == "END":
            assert stack.pop().name == value
        else:
            stack[-1].props.append((name, params, value))
    [calendar] = stack[0].children
    return calendar


def _offset(value: str) -> timedelta:
    sign = -1 if value[0] == "-" else 1
    hours, minutes, seconds = int(value[1:3]), int(value[3:5]), int(value[5:7] or 0)
    return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _local(value: str) -> datetime:
    assert not value.endswith("Z")
    return datetime.strptime(value, "%Y%m%dT%H%M%S")


class FileZone:
    """Offsets from one VTIMEZONE: the latest onset at or before an instant decides."""

    def __init__(self, lines: tuple[str, ...]):
        zone = parse(
            "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""]).encode()
        ).children[0]
        onsets = []
        for observance in zone.children:
            assert observance.name in ("STANDARD", "DAYLIGHT")
            start = _local(observance.get("DTSTART")[1])
            before = _offset(observance.get("TZOFFSETFROM")[1])
            after = _offset(observance.get("TZOFFSETTO")[1])
            locals_ = [start]
            for _params, rule in observance.all("RRULE"):
                parts = dict(part.split("=", 1) for part in rule.split(";"))
                # UNTIL is a UTC time in a VTIMEZONE (RFC 5545 3.3.10): a bound on the onset
                # instants, which a reader must check itself, not on the local times.
                until = parts.pop("UNTIL", None)
                plain = ";".join(f"{k}={v}" for k, v in parts.items())
                expanded = [start, *rrulestr(plain, dtstart=start).between(start, HORIZON)]
                if until:
                    last = datetime.strptime(until, "%Y%m%dT%H%M%SZ")
                    expanded = [o for o in expanded if o - before <= last]
                locals_ += expanded
            for _params, value in observance.all("RDATE"):
                locals_ += [_local(v) for v in value.split(",")]
            onsets += [(local - before, after) for local in set(locals_)]
        onsets.sort()
        self.instants = [instant for instant, _after in onsets]
        self.offsets = [after for _instant, after in onsets]

    def offset_at(self, instant: datetime) -> timedelta:
        index = bisect.bisect_right(self.instants, instant) - 1
        assert index >= 0, f"{instant} is before every onset of the zone"
        return self.offsets[index]

    def to_utc(self, local: datetime) -> datetime:
        """The first instant whose clocks show ``local`` (RFC 5545 on repeated times)."""
        candidates = sorted(
            local - offset
            for offset in set(self.offsets)
            if self.offset_at(local - offset) == offset
        )
        assert candidates, f"{local} does not exist on these clocks"
        return candidates[0].replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _file_zone(lines: tuple[str, ...]) -> FileZone:
    return FileZone(lines)


def _zones(calendar: Component) -> dict[str, FileZone]:
    zones = {}
    for zone in calendar.children:
        if zone.name != "VTIMEZONE":
            continue
        lines = ["BEGIN:VTIMEZONE", *(_line(p) for p in zone.props)]
        for observance in zone.children:
            lines += [f"BEGIN:{observance.name}", *(_line(p) for p in observance.props)]
            lines.append(f"END:{observance.name}")
        zones[zone.get("TZID")[1]] = _file_zone((*lines, "END:VTIMEZONE"))
    return zones


def _line(prop) -> str:
    name, params, value = prop
    return ";".join([name, *(f"{k}={v}" for k, v in params.items())]) + ":" + value


def _instant(prop, zones) -> datetime:
    params, value = prop
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return zones[params["TZID"]].to_utc(_local(value))


def read_events(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) as instants, read with the file's own zones only."""
    calendar = parse(body)
    zones = _zones(calendar)
    return {
        event.get("UID")[1]: (
            _instant(event.get("DTSTART"), zones),
            _instant(event.get("DTEND"), zones),
        )
        for event in calendar.children
        if event.name == "VEVENT"
    }
