from reports.views.dashboard import dashboard
from reports.views.openings import (
    opening_create,
    opening_detail,
    opening_list,
    shortlist_add,
    shortlist_referral,
    shortlist_remove,
)
from reports.views.reports import report_chart, report_csv, report_detail, report_index

__all__ = [
    "dashboard",
    "opening_create",
    "opening_detail",
    "opening_list",
    "report_chart",
    "report_csv",
    "report_detail",
    "report_index",
    "shortlist_add",
    "shortlist_referral",
    "shortlist_remove",
]
