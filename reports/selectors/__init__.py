"""The reports' reads: every figure aggregated in PostgreSQL, a bounded number of queries each."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.versions import data_version
from reports.selectors.base import Period, Report
from reports.selectors.network import network_report
from reports.selectors.pipeline import (
    conversations_report,
    discipline_report,
    scores_report,
    sources_report,
    stages_report,
)


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title: str
    build: Callable
    team: bool = True  # team workspaces only (pipeline); False: personal workspaces only
    admin: bool = False  # admins only: recruiters get 403
    grouped: bool = False  # takes ?group=week|month
    description: str = ""


REPORTS = {
    spec.slug: spec
    for spec in [
        ReportSpec(
            "conversations",
            _("Conversations"),
            conversations_report,
            grouped=True,
            description=_("Completed conversations per recruiter per week or month."),
        ),
        ReportSpec(
            "stages",
            _("Stages and conversion"),
            stages_report,
            description=_("Contacts by stage and the conversion between stages."),
        ),
        ReportSpec(
            "discipline",
            _("Follow-up discipline"),
            discipline_report,
            description=_("Thank-yous sent within 24 h and 48 h, and the median delay."),
        ),
        ReportSpec(
            "sources",
            _("Sources and referrals"),
            sources_report,
            admin=True,
            description=_(
                "Where contacts come from, referral chains and which sources lead to hires."
            ),
        ),
        ReportSpec(
            "scores",
            _("Assessment scores"),
            scores_report,
            description=_("The distribution of passion, motivation and cultural fit scores."),
        ),
        ReportSpec(
            "network",
            _("Your network"),
            network_report,
            team=False,
            description=_("People met per month, industries covered, follow-ups kept on time."),
        ),
    ]
}


def reports_for(*, workspace, membership) -> list[ReportSpec]:
    return [
        spec
        for spec in REPORTS.values()
        if spec.team == workspace.is_team and (membership.is_admin or not spec.admin)
    ]


# A safety net only: a write to what the reports read gives the workspace a new version at once.
CACHE_TTL = 60 * 60


def report_cache_key(spec: ReportSpec, *, workspace, period: Period, recruiter, **options) -> str:
    """The cache key of the report for these filters, under the workspace's current data."""
    version = data_version(workspace_id=workspace.pk)
    parts = [
        "reports",
        spec.slug,
        workspace.pk,
        version,
        period.start.isoformat(),
        period.end.isoformat(),
        period.tz.key,
        recruiter.pk if recruiter is not None else "all",
        *(f"{name}={value}" for name, value in sorted(options.items())),
        get_language(),
    ]
    return ":".join(map(str, parts))


def report_build(spec: ReportSpec, *, workspace, period: Period, recruiter, **options) -> Report:
    """The report for these filters, kept in the shared cache until the workspace's data changes.

    A report's figures depend on nothing but the workspace's data (``accounts.versions``, scope
    ``pipeline``: every service that writes what the reports read gives it a new version) and
    the filters: the period's local days and time zone, the recruiter and the grouping. Its
    labels and numbers are written in the reader's language.
    """
    filters = {"workspace": workspace, "period": period, "recruiter": recruiter, **options}
    key = report_cache_key(spec, **filters)
    report = cache.get(key)
    if report is None:
        report = spec.build(**filters)
        cache.set(key, report, CACHE_TTL)
    return report
