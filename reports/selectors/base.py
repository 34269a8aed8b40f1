"""What every report is made of: a period in the workspace's zone, tables and a chart."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, FloatField, Func
from django.utils import formats

from infoview.dates import DateLabels

# What a cell shows when a figure has no meaning (a share of nothing, a median of no delay).
NONE = "\u2014"


@dataclass(frozen=True)
class Period:
    """Whole local days ``start``..``end`` (inclusive) in the workspace's time zone."""

    start: date
    end: date
    tz: ZoneInfo

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        """The local midnight after the last day: ranges are half-open, [start_at, end_at)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=self.tz)

    def range(self, prefix: str) -> dict:
        return {f"{prefix}__gte": self.start_at, f"{prefix}__lt": self.end_at}

    def buckets(self, kind: str) -> list[date]:
        """The first local day of every week (Monday) or month that the period touches."""
        if kind == "week":
            day = self.start - timedelta(days=self.start.weekday())
            step = lambda d: d + timedelta(days=7)  # noqa: E731
        else:
            day = self.start.replace(day=1)
            step = lambda d: (d + timedelta(days=32)).replace(day=1)  # noqa: E731
        days = []
        while day <= self.end:
            days.append(day)
            day = step(day)
        return days


def bucket_labels(days: list[date], kind: str) -> list[str]:
    """Months or weeks (by their Monday) as people read them, in the page's language.

    The text of ``|date:"M Y"`` (months) or ``|date:"j M Y"`` (weeks), with the month names
    translated once (``DateLabels``): a year by week through ``date_format`` translated a month
    name for each of its labels, twice (the table and the chart), a fifth of the page's CPU.
    """
    months = DateLabels().months
    if kind == "month":
        return [f"{months[day.month]} {day.year:04d}" for day in days]
    return [f"{day.day} {months[day.month]} {day.year:04d}" for day in days]


@dataclass
class Table:
    """Cells are the strings shown on the page; the CSV writes exactly these."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Chart:
    kind: str  # "bar", "stacked_bar", "line", "horizontal_bar"
    title: str
    x_labels: list[str]
    series: list[tuple[str, list[float | None]]]


@dataclass
class Report:
    slug: str
    title: str
    tables: list[Table]
    chart: Chart
    summary: list[str] = field(default_factory=list)

    def table(self, key: str | None) -> Table | None:
        if not key:
            return self.tables[0]
        return next((t for t in self.tables if t.key == key), None)


class Median(Aggregate):
    """PERCENTILE_CONT(0.5): the median, computed by PostgreSQL."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def percent(part: int, whole: int) -> str:
    if not whole:
        return NONE
    value = Decimal(part * 100) / Decimal(whole)
    # The reader's decimal separator (45.0% in English, 45,0% in French).
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{formats.number_format(rounded, 1)}%"


def percent_value(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def hours(seconds: float | None) -> str:
    if seconds is None:
        return NONE
    value = Decimal(str(seconds)) / Decimal(3600)
    return formats.number_format(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)


def user_label(name: str | None, email: str | None) -> str:
    return name or email or NONE
