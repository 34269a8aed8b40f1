"""Demo accounts for ``manage.py seed_demo``: a candidate and a recruiting team, never doubled.

``seed()`` makes the users and workspaces and returns them as a ``Demo``; the command
(``infoview/management/commands/seed_demo.py``) hands that to each app's own ``demo.seed()``.
"""

from dataclasses import dataclass

from accounts import services
from accounts.models import Membership, User, Workspace
from infoview.demo_logins import DEMO_PASSWORD, DEMO_PEOPLE

TEAM_NAME = "Northwind Talent"
TEAM_SLUG = "northwind-talent"


@dataclass
class Demo:
    candidate: User
    personal: Workspace
    admin: User
    recruiters: list[User]
    team: Workspace


def _user(key):
    email, name, time_zone, _role = DEMO_PEOPLE[key]
    user = User.objects.filter(email=email).first()
    if user is None:
        user = services.user_signup(
            email=email, name=name, password=DEMO_PASSWORD, time_zone=time_zone
        )
    return user


def _personal(user):
    return Workspace.objects.get(membership__user=user, kind=Workspace.Kind.PERSONAL)


def seed() -> Demo:
    candidate, admin = _user("candidate"), _user("admin")
    recruiters = [_user("recruiter1"), _user("recruiter2")]
    team = Workspace.objects.filter(slug=TEAM_SLUG).first()
    if team is None:
        team = services.workspace_create(
            name=TEAM_NAME, kind=Workspace.Kind.TEAM, creator=admin, time_zone="Europe/London"
        )
        team.slug = TEAM_SLUG
        team.save(update_fields=["slug"])
    for recruiter in recruiters:
        Membership.objects.get_or_create(
            user=recruiter, workspace=team, defaults={"role": Membership.Role.RECRUITER}
        )
        if recruiter.last_workspace_id != team.pk:
            recruiter.last_workspace = team
            recruiter.save(update_fields=["last_workspace"])
    if admin.last_workspace_id != team.pk:
        admin.last_workspace = team
        admin.save(update_fields=["last_workspace"])
    return Demo(
        candidate=candidate,
        personal=_personal(candidate),
        admin=admin,
        recruiters=recruiters,
        team=team,
    )
