"""Walks every URL of the project; see infoview/testing/isolation.py."""

from importlib import import_module

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from infoview.testing.isolation import ADMIN, PUBLIC, REGISTRY, TEAM_ADMIN

LOCAL_APPS = ["accounts", "contacts", "interviews", "followups", "reports", "privacy"]
for app in LOCAL_APPS:
    try:
        import_module(f"{app}.tests.isolation")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.tests.isolation":
            raise

# Django's own admin site checks staff rights itself and is not part of any workspace.
SKIPPED_NAMESPACES = {"admin"}


def _patterns_with_arguments(patterns=None, namespace="", has_args=False):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        takes_args = has_args or bool(entry.pattern.converters) or bool(entry.pattern.regex.groups)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns_with_arguments(entry.url_patterns, inner, takes_args)
        elif isinstance(entry, URLPattern) and takes_args:
            yield (
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )


def test_it_registers_every_url_that_takes_a_workspace_or_an_object():
    unregistered = sorted(set(_patterns_with_arguments()) - set(REGISTRY))
    assert not unregistered, (
        "These URLs take a workspace or an object but are not registered with the isolation "
        f"harness (add them to <app>/tests/isolation.py): {unregistered}"
    )


def test_it_registers_only_urls_that_exist():
    assert set(REGISTRY) <= set(_patterns_with_arguments())


ROUTES = sorted(REGISTRY.values(), key=lambda route: route.name)
SCOPED = [route for route in ROUTES if route.access != PUBLIC]


def _request(client, route, world):
    url = reverse(route.name, kwargs=route.kwargs(world))
    data = route.data(world) if route.data else {}
    return getattr(client, route.method)(url, data)


@pytest.mark.parametrize("route", SCOPED, ids=lambda route: route.name)
def test_it_answers_404_to_a_member_of_another_workspace(client, world, route):
    client.force_login(world.charlie)
    assert _request(client, route, world).status_code == 404


@pytest.mark.parametrize("route", SCOPED, ids=lambda route: route.name)
def test_it_lets_an_admin_of_the_workspace_through(client, world, route):
    client.force_login(world.alice)
    response = _request(client, route, world)
    assert response.status_code not in {403, 404, 405}, response.status_code
    assert response.status_code < 500


@pytest.mark.parametrize("route", SCOPED, ids=lambda route: route.name)
def test_it_sends_anonymous_visitors_to_log_in(client, world, route):
    response = _request(client, route, world)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize(
    "route", [r for r in SCOPED if r.access in {ADMIN, TEAM_ADMIN}], ids=lambda route: route.name
)
def test_it_refuses_admin_routes_to_a_recruiter(client, world, route):
    client.force_login(world.bob)
    assert _request(client, route, world).status_code == 403


@pytest.mark.parametrize(
    "route", [r for r in SCOPED if r.access not in {ADMIN, TEAM_ADMIN}], ids=lambda r: r.name
)
def test_it_lets_a_recruiter_use_member_routes(client, world, route):
    client.force_login(world.bob)
    response = _request(client, route, world)
    assert response.status_code not in {403, 404, 405}
    assert response.status_code < 500
