import pytest

from webhooks import services
from webhooks.tests.receiver import Receiver


@pytest.fixture(autouse=True)
def _private_targets(settings):
    """The receivers of these tests listen on 127.0.0.1 over plain HTTP."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint_for(workspace_a, alice):
    def make(url, events=("contact.created",), **fields):
        return services.endpoint_create(
            workspace=workspace_a, url=url, events=list(events), by=alice, **fields
        )

    return make
