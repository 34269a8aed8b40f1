"""Walks every URL of the project; see infoview/testing/isolation.py."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from infoview.testing.isolation import ADMIN, PUBLIC, REGISTRY, TEAM_ADMIN

# Every app of this project (from the app registry, so that a new app is swept without being
# named here) registers its routes in <app>/tests/isolation.py.
LOCAL_APPS = [
    config.name
    for config in django_apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR) and config.name != "infoview"
]
for app in LOCAL_APPS:
    try:
        import_module(f"{app}.tests.isolation")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.tests.isolation":
            raise

# Django's own admin site checks staff rights itself and is not part of any workspace. The REST
# API answers 401 rather than a log-in redirect; api/tests/test_isolation.py walks it.
SKIPPED_NAMESPACES = {"admin", "api"}


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


def _as(client, user, route, world):
    """The route's response for ``user`` (None: anonymous), with objects made afresh."""
    world.cache.clear()  # an earlier actor's write (a delete, say) must not decide this one
    client.logout()
    if user is not None:
        client.force_login(user)
    return _request(client, route, world)


@pytest.mark.parametrize("route", SCOPED, ids=lambda route: route.name)
def test_each_route_answers_every_kind_of_visitor_as_it_should(client, world, route):
    """One world per route, four visitors: anonymous, outsider, recruiter, admin."""
    response = _as(client, None, route, world)
    assert response.status_code == 302, "anonymous visitors are sent to log in"
    assert response.url.startswith(reverse(settings.LOGIN_URL))

    response = _as(client, world.charlie, route, world)
    assert response.status_code == 404, "a member of another workspace gets 404"

    response = _as(client, world.bob, route, world)
    if route.access in {ADMIN, TEAM_ADMIN}:
        assert response.status_code == 403, "a recruiter gets 403 on admin routes"
    else:
        assert response.status_code not in {403, 404, 405}, response.status_code
        assert response.status_code < 500

    response = _as(client, world.alice, route, world)
    assert response.status_code not in {403, 404, 405}, "an admin of the workspace gets through"
    assert response.status_code < 500
