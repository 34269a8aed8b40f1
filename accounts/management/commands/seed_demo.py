"""Idempotent demo data: run it as often as you like, it never duplicates a row.

The accounts part lives here; each feature app adds its own rows through ``<app>/demo.py``,
a ``seed(*, demo)`` function that receives the users and workspaces made below.
"""

from dataclasses import dataclass
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import Membership, User, Workspace
from infoview.demo_logins import DEMO_PASSWORD, DEMO_PEOPLE


@dataclass
class Demo:
    candidate: User
    personal: Workspace
    admin: User
    recruiters: list[User]
    team: Workspace


TEAM_NAME = "Northwind Talent"
TEAM_SLUG = "northwind-talent"


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


class Command(BaseCommand):
    help = "Load the demo data (a candidate and a recruiting team). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
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

        demo = Demo(
            candidate=candidate,
            personal=_personal(candidate),
            admin=admin,
            recruiters=recruiters,
            team=team,
        )
        for app in ("contacts", "interviews", "followups", "reports", "privacy"):
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(demo=demo)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
