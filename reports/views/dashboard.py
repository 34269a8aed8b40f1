from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.scoping import workspace_view
from reports.dashboard import dashboard_data


@workspace_view
def dashboard(request):
    """The workspace home: where recruiters and candidates start each day."""
    context = dashboard_data(workspace=request.workspace, user=request.user)
    context["workspace"] = request.workspace
    # Row links from prefixes reversed once, not a {% url %} per row.
    ws = {"ws": request.workspace.slug}
    for app in ("interviews", "followups", "contacts"):
        context[f"{app}_prefix"] = reverse(f"{app}:list", kwargs=ws)
    return TemplateResponse(request, "reports/dashboard.html", context)
