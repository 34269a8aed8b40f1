from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.scoping import workspace_view
from reports.dashboard import dashboard_data
from reports.home_rows import HomeLabels, contact_item, followup_item, interview_item


@workspace_view
def dashboard(request):
    """The workspace home: where recruiters and candidates start each day."""
    context = dashboard_data(workspace=request.workspace, user=request.user)
    context["workspace"] = request.workspace
    # Row links from prefixes reversed once, not a {% url %} per row.
    ws = {"ws": request.workspace.slug}
    for app in ("interviews", "followups", "contacts"):
        context[f"{app}_prefix"] = reverse(f"{app}:list", kwargs=ws)
    labels = HomeLabels(
        interviews_prefix=context["interviews_prefix"],
        followups_prefix=context["followups_prefix"],
        contacts_prefix=context["contacts_prefix"],
    )
    for key in ("interviews_today", "interviews_week"):
        context[f"{key}_html"] = [interview_item(row, labels) for row in context[key]]
    for key in ("followups_overdue", "followups_today"):
        context[f"{key}_html"] = [followup_item(row, labels) for row in context[key]]
    context["overdue_contacts_html"] = [
        contact_item(row, labels) for row in context["overdue_contacts"]
    ]
    return TemplateResponse(request, "reports/dashboard.html", context)
