import pytest

from contacts.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def contact(workspace_a, alice):
    return ContactFactory(
        workspace=workspace_a, first_name="Ada", last_name="Lovelace", owner=alice
    )


@pytest.fixture
def company(workspace_a):
    return CompanyFactory(workspace=workspace_a, name="Analytical Engines")


@pytest.fixture
def personal_workspace(alice):
    from accounts.models import Workspace

    return Workspace.objects.get(membership__user=alice, kind=Workspace.Kind.PERSONAL)


@pytest.fixture
def as_alice(client, alice):
    """The test client, signed in as Alice (admin of Acme)."""
    client.force_login(alice)
    return client
