import pytest
from django.core.management import call_command

from reports.models import Opening, ShortlistEntry

pytestmark = pytest.mark.django_db


def test_the_demo_seed_runs_twice_without_duplicating():
    call_command("seed_demo", verbosity=0)
    counts = (Opening.objects.count(), ShortlistEntry.objects.count())
    assert counts[0] == 2

    call_command("seed_demo", verbosity=0)

    assert (Opening.objects.count(), ShortlistEntry.objects.count()) == counts
