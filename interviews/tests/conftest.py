import pytest

from accounts.models import Workspace
from interviews.tests.factories import ContactFactory, make_interview


@pytest.fixture
def contact(workspace_a, alice):
    return ContactFactory(workspace=workspace_a, owner=alice, first_name="Maya", last_name="Lin")


@pytest.fixture
def interview(workspace_a, alice, contact):
    return make_interview(workspace=workspace_a, owner=alice, contact=contact)


@pytest.fixture
def personal_a(alice):
    return Workspace.objects.get(membership__user=alice, kind=Workspace.Kind.PERSONAL)


@pytest.fixture
def url(workspace_a):
    from django.urls import reverse

    def build(name, **kwargs):
        return reverse(f"interviews:{name}", kwargs={"ws": workspace_a.slug, **kwargs})

    return build
