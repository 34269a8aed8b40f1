from ninja import Router, Schema

from accounts.models import Membership
from api.problems import ERRORS

router = Router(tags=["me"])


class WorkspaceOut(Schema):
    slug: str
    name: str
    kind: str
    role: str
    time_zone: str


class MeOut(Schema):
    id: int
    name: str
    email: str
    time_zone: str
    token_scope: str | None
    workspaces: list[WorkspaceOut]


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    """Who is calling, and the workspaces they can reach (a token: its one workspace)."""
    caller = request.auth
    memberships = Membership.objects.filter(user=caller.user).select_related("workspace")
    if caller.token is not None:
        memberships = memberships.filter(workspace_id=caller.token.workspace_id)
    return {
        "id": caller.user.pk,
        "name": caller.user.name,
        "email": caller.user.email,
        "time_zone": caller.user.time_zone,
        "token_scope": caller.token.scope if caller.token else None,
        "workspaces": [
            {
                "slug": m.workspace.slug,
                "name": m.workspace.name,
                "kind": m.workspace.kind,
                "role": m.role,
                "time_zone": m.workspace.time_zone,
            }
            for m in memberships.order_by("workspace__name")
        ],
    }
