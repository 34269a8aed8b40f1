"""A candidate's own network, in their personal workspace."""

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Workspace
from contacts.models import Contact
from followups.models import FollowUp
from interviews.models import Interview
from reports.selectors.base import Chart, Period, Report, Table, bucket_labels, percent


def _by_month(queryset, field: str, period: Period, **figures) -> dict:
    rows = (
        queryset.filter(**period.range(field))
        .annotate(month=TruncMonth(field, tzinfo=period.tz))
        .values("month")
        .annotate(**figures)
        .order_by("month")
    )
    return {row.pop("month").astimezone(period.tz).date(): row for row in rows}


def network_report(*, workspace: Workspace, period: Period, recruiter=None) -> Report:
    """People met per month, follow-ups kept on time, and the industries and companies covered."""
    met = Interview.objects.filter(workspace=workspace, status=Interview.Status.COMPLETED)
    conversations = _by_month(
        met, "starts_at", period, people=Count("contact", distinct=True), talks=Count("pk")
    )
    added = _by_month(
        Contact.objects.filter(workspace=workspace), "created_at", period, n=Count("pk")
    )
    closed = FollowUp.objects.filter(workspace=workspace)
    kept = _by_month(
        closed,
        "due_at",
        period,
        due=Count("pk"),
        on_time=Count("pk", filter=Q(status=FollowUp.Status.DONE, done_at__lte=F("due_at"))),
    )
    months = period.buckets("month")
    rows = []
    for month, label in zip(months, bucket_labels(months, "month"), strict=True):
        c = conversations.get(month, {"people": 0, "talks": 0})
        f = kept.get(month, {"due": 0, "on_time": 0})
        rows.append(
            [
                label,
                str(c["people"]),
                str(c["talks"]),
                str(added.get(month, {"n": 0})["n"]),
                str(f["due"]),
                str(f["on_time"]),
                percent(f["on_time"], f["due"]),
            ]
        )
    months_table = Table(
        key="months",
        title=_("People met per month"),
        columns=[
            _("Month"),
            _("People met"),
            _("Conversations"),
            _("Contacts added"),
            _("Follow-ups due"),
            _("Kept on time"),
            _("On-time rate"),
        ],
        rows=rows,
    )
    industries = (
        met.filter(**period.range("starts_at"))
        .values("contact__company__industry")
        .annotate(
            people=Count("contact", distinct=True),
            companies=Count("contact__company", distinct=True),
        )
        .order_by("-people", "contact__company__industry")
    )
    industry_rows = [
        [
            row["contact__company__industry"] or _("Not recorded"),
            str(row["people"]),
            str(row["companies"]),
        ]
        for row in industries
    ]
    industries_table = Table(
        key="industries",
        title=_("Industries and companies covered"),
        caption=_("People met in the period, by the industry of their company."),
        columns=[_("Industry"), _("People met"), _("Companies")],
        rows=industry_rows,
    )
    chart = Chart(
        kind="line",
        title=_("People met per month"),
        x_labels=[r[0] for r in rows],
        series=[(_("People met"), [int(r[1]) for r in rows])],
    )
    total_met = sum(int(r[1]) for r in rows)
    summary = [
        ngettext(
            "You met %(n)s person in this period.",
            "You met %(n)s people in this period.",
            total_met,
        )
        % {"n": formats.number_format(total_met)}
    ]
    return Report("network", _("Your network"), [months_table, industries_table], chart, summary)
