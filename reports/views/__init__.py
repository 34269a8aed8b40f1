from reports.views.dashboard import dashboard

__all__ = ["dashboard"]
