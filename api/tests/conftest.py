import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Workspace
from api import tokens
from api.models import ApiToken


def make_token(user, workspace, scope=ApiToken.Scope.READ_WRITE, days=30) -> str:
    return tokens.token_create(
        user=user,
        workspace=workspace,
        name="test",
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    ).secret


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, client, secret: str | None, ws: str = "acme"):
        self.client, self.secret, self.ws = client, secret, ws

    def url(self, path: str) -> str:
        return f"/api/v1/w/{self.ws}{path}" if not path.startswith("/api/") else path

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None, **headers):
        if self.secret:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.secret}")
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(self.url(path), **kwargs, **headers)

    def get(self, path, **headers):
        return self.call("get", path, **headers)

    def post(self, path, body=None, **headers):
        return self.call("post", path, body if body is not None else {}, **headers)

    def patch(self, path, body, **headers):
        return self.call("patch", path, body, **headers)

    def put(self, path, body, **headers):
        return self.call("put", path, body, **headers)

    def delete(self, path, **headers):
        return self.call("delete", path, **headers)


@pytest.fixture
def alice_api(client, alice, workspace_a):
    return Api(client, make_token(alice, workspace_a))


@pytest.fixture
def bob_api(client, bob, workspace_a):
    return Api(client, make_token(bob, workspace_a))


@pytest.fixture
def personal_workspace(alice):
    return Workspace.objects.get(membership__user=alice, kind=Workspace.Kind.PERSONAL)
