from django.core.cache import cache
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from accounts.scoping import workspace_view
from accounts.versions import data_version
from reports.dashboard import cached_insights, dashboard_data
from reports.home_rows import HomeLabels, contact_item, followup_item, interview_item

# The home's lists, as written for one member, are kept for the minute they were made in: a write
# to the workspace gives a new data version (accounts/versions.py) and so a new key at once;
# what only the clock changes (a follow-up falling overdue, "due 3 days ago") moves on with the
# next minute.
LISTS_TTL = 2 * 60


@workspace_view
def dashboard(request):
    """The workspace home: where recruiters and candidates start each day."""
    workspace = request.workspace
    insights = cached_insights(workspace=workspace)  # the same for every member
    context = _lists(request, insights)
    context["workspace"] = workspace
    context["interviews_prefix"] = reverse("interviews:list", kwargs={"ws": workspace.slug})
    context["insights"] = insights
    return TemplateResponse(request, "reports/dashboard.html", context)


def _lists(request, insights) -> dict:
    """The interview, follow-up and keep-in-touch items of this member's home, as markup."""
    workspace, user = request.workspace, request.user
    now = timezone.now()
    key = ":".join(
        [
            "home:lists",
            str(workspace.pk),
            str(user.pk),
            data_version(workspace_id=workspace.pk),
            str(timezone.get_current_timezone()),
            get_language(),
            str(int(now.timestamp()) // 60),
        ]
    )
    lists = cache.get(key)
    if lists is None:
        lists = _written_lists(request, now, insights)
        cache.set(key, lists, LISTS_TTL)
    return lists


def _written_lists(request, now, insights) -> dict:
    data = dashboard_data(
        workspace=request.workspace, user=request.user, now=now, insights=insights
    )
    # Row links from prefixes reversed once, not a {% url %} per row.
    ws = {"ws": request.workspace.slug}
    labels = HomeLabels(
        interviews_prefix=reverse("interviews:list", kwargs=ws),
        followups_prefix=reverse("followups:list", kwargs=ws),
        contacts_prefix=reverse("contacts:list", kwargs=ws),
    )
    lists = {
        "has_contacts": data["has_contacts"],
        "has_interviews": data["has_interviews"],
        "overdue_contacts_total": data["overdue_contacts_total"],
    }
    for key in ("interviews_today", "interviews_week"):
        lists[f"{key}_html"] = [interview_item(row, labels) for row in data[key]]
    for key in ("followups_overdue", "followups_today"):
        lists[f"{key}_html"] = [followup_item(row, labels) for row in data[key]]
    lists["overdue_contacts_html"] = [contact_item(row, labels) for row in data["overdue_contacts"]]
    return lists
