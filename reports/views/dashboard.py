from django.template.response import TemplateResponse

from accounts.scoping import workspace_view
from reports.dashboard import dashboard_data


@workspace_view
def dashboard(request):
    """The workspace home: where recruiters and candidates start each day."""
    context = dashboard_data(workspace=request.workspace, user=request.user)
    context["workspace"] = request.workspace
    return TemplateResponse(request, "reports/dashboard.html", context)
