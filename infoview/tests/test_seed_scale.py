"""`make bench`'s scale data, made small: every model the seeder fills takes its rows."""

import pytest
from django.core.management import call_command

from accounts.models import Workspace
from contacts.models import Contact
from followups.models import FollowUp
from infoview.management.commands.seed_scale import SLUG
from interviews.models import Interview

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_the_scale_seeder_fills_a_workspace_at_a_small_size():
    call_command(
        "seed_scale", contacts=60, interviews=90, followups=150, notes=40, recruiters=2, verbosity=0
    )
    workspace = Workspace.objects.get(slug=SLUG)
    assert Contact.objects.filter(workspace=workspace).count() == 60
    assert Interview.objects.filter(workspace=workspace).count() == 90
    followups = FollowUp.objects.filter(workspace=workspace)
    assert followups.count() == 150
    assert not followups.filter(updated_at=None).exists()
