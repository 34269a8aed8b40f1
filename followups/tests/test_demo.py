import pytest
from django.core.management import call_command

from followups.models import FollowUp, Reminder

pytestmark = pytest.mark.django_db


def test_the_demo_seed_runs_twice_without_duplicating():
    call_command("seed_demo", verbosity=0)
    counts = (FollowUp.objects.count(), Reminder.objects.count())
    assert counts[0] > 0

    call_command("seed_demo", verbosity=0)

    assert (FollowUp.objects.count(), Reminder.objects.count()) == counts
