"""Reads about accounts that several apps share."""

from django.db.models import QuerySet

from accounts.models import User, Workspace


def workspace_members(workspace: Workspace) -> QuerySet[User]:
    """The users of a workspace (who may own its contacts, run its conversations), by name."""
    return User.objects.filter(membership__workspace=workspace).order_by("name", "pk")
