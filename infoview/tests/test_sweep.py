"""The hostile-input sweep over every page of the project; see infoview/testing/sweep.py.

The number of requests per route comes from a Hypothesis settings profile: ``sweep`` (the
default, about a minute for the whole project in ``make test``) or ``sweep-deep``
(``HYPOTHESIS_PROFILE=sweep-deep``, many more).
"""

import os
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoview.testing.isolation import REGISTRY
from infoview.testing.sweep import (
    COMMON_GET_PARAMETERS,
    FILES,
    VALUES,
    changed_tables,
    encode,
    raw,
    read_page,
    saved_rows,
)

# Every app of this project (from the app registry, so that a new app is swept without being
# named here) registers its routes in <app>/tests/isolation.py.
LOCAL_APPS = [
    config.name
    for config in django_apps.get_app_configs()
    if Path(config.path).parent == Path(django_settings.BASE_DIR) and config.name != "infoview"
]
for app in LOCAL_APPS:
    try:
        import_module(f"{app}.tests.isolation")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.tests.isolation":
            raise

# Django's admin site is Django's own; the REST API has its schema-driven fuzzing in
# api/tests (Schemathesis).
SKIPPED_PREFIXES = ("admin/", "api/")
# Forms that every page carries (the navigation's log-out): swept on their own route only.
EVERYWHERE = {"accounts:logout"}

settings.register_profile(
    "sweep",
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "sweep-deep",
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "sweep")
if not PROFILE.startswith("sweep"):
    PROFILE = "sweep"


def _routes(patterns=None, prefix="", namespace="", takes_args=False):
    """(name, takes arguments) of every page of the project."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        args = takes_args or bool(entry.pattern.converters) or bool(entry.pattern.regex.groups)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, route, inner, args)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>", args


ROUTES = dict(_routes())
STATS = {"routes": 0, "requests": 0, "errors": [], "slowest": (0.0, "")}


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    """The sweep's figures, printed once at the end (the note of issue 14 quotes them)."""
    yield
    if STATS["routes"]:
        seconds, where = STATS["slowest"]
        line = (
            f"\nhostile-input sweep ({PROFILE}): {STATS['routes']} routes, "
            f"{STATS['requests']} requests, {len(STATS['errors'])} raised, "
            f"slowest {seconds * 1000:.0f} ms ({where})"
        )
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(line)


def test_the_sweep_knows_every_route():
    unknown = sorted(
        name for name, takes_args in ROUTES.items() if takes_args and name not in REGISTRY
    )
    assert not unknown, (
        f"The sweep cannot build these URLs: register them in <app>/tests/isolation.py: {unknown}"
    )


def _targets(client, name, path, route, data):
    """What a visitor can send from this page: (method, path, fields, file fields)."""
    if route is not None and route.method != "get":
        fields = {k: str(v[0] if isinstance(v, list | tuple) else v) for k, v in data.items()}
        return [("post", path, {**fields, "next": ""}, [])]
    response = client.get(path)
    assert response.status_code < 500, f"GET {path} answered {response.status_code}"
    parameters = set(COMMON_GET_PARAMETERS)
    targets = []
    if response.get("Content-Type", "").startswith("text/html") and response.content:
        forms, link_parameters = read_page(response.content.decode(errors="replace"))
        parameters |= link_parameters
        for form in forms:
            action = urlsplit(form.action).path or path
            try:
                action_name = resolve(action).view_name
            except Resolver404:
                continue  # a form to another site: not ours to sweep
            if action_name in EVERYWHERE and action_name != name:
                continue
            if form.method == "get" and action == path:
                parameters |= set(form.fields)
            else:
                targets.append((form.method, action, form.fields, form.files))
    targets.append(("get", path, dict.fromkeys(sorted(parameters), ""), []))
    return targets


def _send(client, method, path, values, files):
    pairs = list(values.items())
    if method == "get":
        return client.get(f"{path}?{encode(pairs)}" if pairs else path)
    if files:
        data = {name: raw(value) for name, value in pairs}
        for name, content in files.items():
            data[name] = SimpleUploadedFile("upload.csv", content)
        return client.post(path, data)
    return client.post(path, encode(pairs), content_type="application/x-www-form-urlencoded")


def _group(name: str) -> str:
    return name.split(":")[0] if ":" in name else "site"


GROUPS = sorted({_group(name) for name in ROUTES})


@pytest.mark.parametrize("group", GROUPS)
def test_no_hostile_input_gives_a_500_or_changes_what_a_refusal_should_not(world, group):
    """One world per group of routes; every example's writes are rolled back, so each starts
    from the same saved rows and the next route finds the world as it was."""
    visitors = {"anonymous": Client(), "admin": Client(), "recruiter": Client()}
    visitors["admin"].force_login(world.alice)
    visitors["recruiter"].force_login(world.bob)
    failures = []
    for name in sorted(n for n in ROUTES if _group(n) == group):
        try:
            _sweep_route(world, visitors, name)
        except Exception as error:  # every route is swept; all failures are reported
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


def _sweep_route(world, visitors, name):
    route = REGISTRY.get(name)
    # The route's objects are made (and kept) before anything is rolled back.
    path = reverse(name, kwargs=route.kwargs(world)) if route else reverse(name)
    data = route.data(world) if route and route.data else {}
    with transaction.atomic():
        targets = _targets(visitors["admin"], name, path, route, data)
        transaction.set_rollback(True)
    # What every example starts from, since each one's writes are rolled back.
    before = saved_rows()
    STATS["routes"] += 1

    @settings(settings.get_profile(PROFILE))
    @given(data=st.data())
    def sweep(data):
        method, action, fields, file_fields = data.draw(st.sampled_from(targets), label="target")
        who = data.draw(st.sampled_from(sorted(visitors)), label="visitor")
        names = sorted(fields)
        hostile = (
            data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=3), label="fields")
            if names
            else set()
        )
        values = {n: data.draw(VALUES, label=n) if n in hostile else fields[n] for n in names}
        files = {n: data.draw(FILES, label=n) for n in file_fields}
        # Each example starts from the same saved rows: its writes are rolled back after it.
        with transaction.atomic():
            started = time.perf_counter()
            try:
                response = _send(visitors[who], method, action, values, files)
            except Exception as error:
                STATS["errors"].append((name, method, action))
                raise AssertionError(f"{method.upper()} {action} as {who}: {error!r}") from error
            elapsed = time.perf_counter() - started
            STATS["requests"] += 1
            if elapsed > STATS["slowest"][0]:
                STATS["slowest"] = (elapsed, f"{method.upper()} {name}")
            assert response.status_code < 500, f"{method.upper()} {action} as {who}: 500"
            if 400 <= response.status_code < 500:
                changed = changed_tables(before, saved_rows())
                assert not changed, (
                    f"{method.upper()} {action} as {who} was refused "
                    f"({response.status_code}) but changed {changed}"
                )
            transaction.set_rollback(True)

    sweep()


def test_the_value_encoding_keeps_lone_surrogates_as_raw_bytes():
    query = QueryDict(encode([("q", "x\ud800y")]))
    assert query["q"] == "x\ufffd\ufffd\ufffdy"
