from reports.views.dashboard import dashboard
from reports.views.reports import report_chart, report_csv, report_detail, report_index

__all__ = ["dashboard", "report_chart", "report_csv", "report_detail", "report_index"]
