from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Workspace

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14: local midnight is 10:00 the day before in UTC


def at(*args) -> datetime:
    return datetime(*args, tzinfo=KIRITIMATI)


@pytest.fixture
def team(workspace_a):
    workspace_a.time_zone = "Pacific/Kiritimati"
    workspace_a.save(update_fields=["time_zone"])
    return workspace_a


@pytest.fixture
def personal(alice):
    workspace = Workspace.objects.get(kind=Workspace.Kind.PERSONAL, membership__user=alice)
    workspace.time_zone = "Pacific/Kiritimati"
    workspace.save(update_fields=["time_zone"])
    return workspace
