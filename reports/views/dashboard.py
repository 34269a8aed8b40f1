from django.core.cache import cache
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from accounts.scoping import workspace_view
from accounts.versions import data_version
from reports.dashboard import INSIGHTS_TTL, dashboard_data, insights_key, recent_insights
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
    now = timezone.now()
    # Both parts from the cache in one round trip, under one read of the data version.
    version = data_version(workspace_id=workspace.pk)
    insights_at = insights_key(workspace_id=workspace.pk, version=version)
    lists_at = _lists_key(request, version, now)
    kept = cache.get_many([insights_at, lists_at])
    insights = kept.get(insights_at)
    if insights is None:
        insights = recent_insights(workspace=workspace)  # the same for every member
        cache.set(insights_at, insights, INSIGHTS_TTL)
    context = kept.get(lists_at)
    if context is None:
        context = _written_lists(request, now, insights)
        cache.set(lists_at, context, LISTS_TTL)
    context["workspace"] = workspace
    context["interviews_prefix"] = reverse("interviews:list", kwargs={"ws": workspace.slug})
    context["insights"] = insights
    return TemplateResponse(request, "reports/dashboard.html", context)


def _lists_key(request, version: str, now) -> str:
    """Where the interview, follow-up and keep-in-touch items of this member's home are kept,
    as markup, for the minute they were made in."""
    return ":".join(
        [
            "home:lists",
            str(request.workspace.pk),
            str(request.user.pk),
            version,
            str(timezone.get_current_timezone()),
            get_language(),
            str(int(now.timestamp()) // 60),
        ]
    )


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
