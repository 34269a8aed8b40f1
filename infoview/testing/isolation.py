"""The isolation harness: every URL that takes a workspace or an object is registered here.

Each app lists its routes in ``<app>/tests/isolation.py`` with ``register(...)``, saying how
to build the URL's arguments for an object of workspace A and who may use it. The tests in
``accounts/tests/test_isolation.py`` then walk every URL pattern of the project: a pattern
with arguments that nobody registered fails the suite, so a new page cannot forget its check.
For each registered route they check that an outsider (Charlie, of workspace B) gets 404,
that an anonymous visitor is sent to log in, that a recruiter gets 403 on admin routes, and
that a member does get through (so the 404 is not an accident of wrong arguments).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MEMBER = "member"  # any member of the workspace
ADMIN = "admin"  # admins only; recruiters get 403
TEAM_MEMBER = "team_member"  # team workspaces only, any member
TEAM_ADMIN = "team_admin"  # team workspaces only, admins only
PUBLIC = "public"  # reached by a secret in the URL (a token), not by membership


@dataclass
class World:
    """Workspace A with Alice (admin) and Bob (recruiter); Charlie belongs to workspace B only."""

    workspace: Any
    alice: Any
    bob: Any
    charlie: Any
    other_workspace: Any
    cache: dict = field(default_factory=dict)

    def once(self, key: str, make: Callable[["World"], Any]) -> Any:
        """Make an object once per test, so several arguments can share it."""
        if key not in self.cache:
            self.cache[key] = make(self)
        return self.cache[key]


@dataclass
class Route:
    name: str
    kwargs: Callable[[World], dict]
    method: str = "get"
    access: str = MEMBER
    data: Callable[[World], dict] | None = None


REGISTRY: dict[str, Route] = {}


def register(
    name: str,
    *,
    kwargs: Callable[[World], dict] | None = None,
    method: str = "get",
    access: str = MEMBER,
    data: Callable[[World], dict] | None = None,
) -> None:
    if name in REGISTRY:
        raise ValueError(f"{name} is registered twice")
    REGISTRY[name] = Route(
        name=name,
        kwargs=kwargs or (lambda world: {"ws": world.workspace.slug}),
        method=method,
        access=access,
        data=data,
    )


def ws_kwargs(**extra: Callable[[World], Any]) -> Callable[[World], dict]:
    """``kwargs`` for a route under /w/<ws>/ with more arguments made from the world."""

    def build(world: World) -> dict:
        return {"ws": world.workspace.slug, **{k: make(world) for k, make in extra.items()}}

    return build
