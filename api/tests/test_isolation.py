"""Walks every operation of the API; see api/tests/isolation.py."""

import json

import pytest

from api.main import api
from api.models import ApiToken
from api.tests.conftest import make_token
from api.tests.isolation import ADMIN, REGISTRY, SELF

METHODS = {"get", "post", "put", "patch", "delete"}


def _operations() -> set[str]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return {
        f"{method.upper()} {path.rstrip('/')}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in METHODS
    }


def test_it_registers_every_api_operation():
    unregistered = sorted(_operations() - {route.operation for route in REGISTRY})
    assert not unregistered, (
        f"These API operations are not registered in api/tests/isolation.py: {unregistered}"
    )


def test_it_registers_only_operations_that_exist():
    assert {route.operation for route in REGISTRY} <= _operations()


def _call(client, route, world, *, secret, ws):
    world.cache.clear()  # an earlier caller's write (a delete, say) must not decide this one
    url = route.url(world, ws)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    kwargs = {}
    if route.method in {"post", "put", "patch"}:
        kwargs = {"data": json.dumps(route.body(world) if route.body else {})}
        kwargs["content_type"] = "application/json"
    return getattr(client, route.method)(url, **kwargs, **headers)


def _problem(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status


@pytest.mark.parametrize("route", REGISTRY, ids=lambda route: route.id)
def test_each_operation_answers_every_kind_of_caller_as_it_should(client, world, route):
    a = world.workspace.slug
    _problem(_call(client, route, world, secret=None, ws=a), 401)

    outsider = make_token(world.charlie, world.other_workspace)
    if route.access != SELF:
        _problem(_call(client, route, world, secret=outsider, ws=a), 404)
        if "{" in route.path.replace("{ws}", ""):
            # His own workspace in the URL, A's object ids after it: still nothing.
            own = world.other_workspace.slug
            response = _call(client, route, world, secret=outsider, ws=own)
            if route.path.endswith("{slug}"):
                assert response.status_code in {200, 403, 404}  # a report, not an object
            else:
                _problem(response, 404)

    bob = make_token(world.bob, world.workspace)
    response = _call(client, route, world, secret=bob, ws=a)
    if route.access == ADMIN:
        _problem(response, 403)
    else:
        assert response.status_code not in {401, 403, 404, 405}, response.content[:300]
        assert response.status_code < 500

    alice = make_token(world.alice, world.workspace)
    response = _call(client, route, world, secret=alice, ws=a)
    assert response.status_code not in {401, 403, 404, 405}, response.content[:300]
    assert response.status_code < 500

    if route.writes and route.access != SELF:
        read_only = make_token(world.alice, world.workspace, scope=ApiToken.Scope.READ)
        _problem(_call(client, route, world, secret=read_only, ws=a), 403)
