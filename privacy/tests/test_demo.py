import pytest
from django.core.management import call_command

from accounts.demo import TEAM_SLUG, Demo
from accounts.models import AuditEvent, Membership, Workspace
from privacy import demo as privacy_demo
from privacy.models import ContactPrivacy, RetentionPolicy

pytestmark = pytest.mark.django_db


def _demo():
    team = Workspace.objects.get(slug=TEAM_SLUG)
    members = Membership.objects.filter(workspace=team).select_related("user").order_by("pk")
    return Demo(
        candidate=None,
        personal=None,
        admin=next(m.user for m in members if m.role == "admin"),
        recruiters=[m.user for m in members if m.role == "recruiter"],
        team=team,
    )


def test_the_demo_seed_runs_twice_without_duplicating():
    call_command("seed_demo", verbosity=0)
    demo = _demo()
    privacy_demo.seed(demo=demo)
    counts = (
        RetentionPolicy.objects.count(),
        ContactPrivacy.objects.count(),
        AuditEvent.objects.count(),
    )
    assert counts[0] == 1 and counts[1] > 0 and counts[2] > 0

    privacy_demo.seed(demo=demo)

    assert (
        RetentionPolicy.objects.count(),
        ContactPrivacy.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert all(p.workspace_id == p.contact.workspace_id for p in ContactPrivacy.objects.all())
