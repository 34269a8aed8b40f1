from accounts.scoping import memberships_of


def workspaces(request):
    """The navigation's workspace switcher: the user's workspaces and the current one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    return {
        "my_memberships": lambda: memberships_of(request),
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
    }
