from accounts.models import Membership


def workspaces(request):
    """The navigation's workspace switcher: the user's workspaces and the current one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships():
        return list(
            Membership.objects.filter(user=user)
            .select_related("workspace")
            .order_by("workspace__kind", "workspace__name")
        )

    return {
        "my_memberships": memberships,
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
    }
