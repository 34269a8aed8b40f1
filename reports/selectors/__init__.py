"""The reports' reads: every figure aggregated in PostgreSQL, a bounded number of queries each."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

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
