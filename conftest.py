"""Fixtures for the whole suite: the three users of STYLE.md, a real SMTP server, real Chromium."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation
from playwright.sync_api import sync_playwright

from accounts import services
from accounts.models import Membership, OutgoingMessage, Workspace
from accounts.outbox import delivery
from infoview.testing.browser import PASSWORD
from infoview.testing.isolation import World
from infoview.testing.smtp import SMTPTestServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FOUND = Path(CHROMIUM).exists()


def pytest_sessionstart(session):
    """The French pages need the compiled catalogue; `make test` builds it, plain pytest too."""
    from infoview import messages

    messages.compile_stale()


# A Wednesday noon in March: far from midnight, a week's end, a month's end and the DST
# switches, in every zone the tests use. Tests that read the clock travel here
# (``pytestmark = pytest.mark.usefixtures("frozen_clock")``), so they pass at any time.
FROZEN_AT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(FROZEN_AT, tick=True):
        yield FROZEN_AT


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = [
        "infoview.testing.hashers.FastArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a test that switches to French must not leave
    the next one reading French."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """Each test counts rate limits in a memory cache of its own (tests of the shared Redis
    cache set CACHES themselves), so tests never see each other's counts."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def workspace_a(db, alice):
    return Workspace.objects.get(slug="acme")


@pytest.fixture
def alice(db):
    """Admin of team workspace A (Acme)."""
    user = services.user_signup(email="alice@example.test", name="Alice Admin", password=PASSWORD)
    team = services.workspace_create(name="Acme", kind=Workspace.Kind.TEAM, creator=user)
    team.slug = "acme"
    team.save(update_fields=["slug"])
    return user


@pytest.fixture
def bob(db, alice, workspace_a):
    """Recruiter in workspace A."""
    user = services.user_signup(email="bob@example.test", name="Bob Recruiter", password=PASSWORD)
    Membership.objects.create(user=user, workspace=workspace_a, role=Membership.Role.RECRUITER)
    return user


@pytest.fixture
def workspace_b(db, charlie):
    return Workspace.objects.get(slug="bravo")


@pytest.fixture
def charlie(db):
    """Admin of workspace B only: sees nothing of A."""
    user = services.user_signup(
        email="charlie@example.test", name="Charlie Outsider", password=PASSWORD
    )
    team = services.workspace_create(name="Bravo", kind=Workspace.Kind.TEAM, creator=user)
    team.slug = "bravo"
    team.save(update_fields=["slug"])
    return user


@pytest.fixture
def world(alice, bob, charlie, workspace_a, workspace_b):
    return World(
        workspace=workspace_a, alice=alice, bob=bob, charlie=charlie, other_workspace=workspace_b
    )


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django's mail goes to it for the test."""
    server = SMTPTestServer().start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }
    yield server.inbox
    server.stop()


@pytest.fixture
def outbox_worker(smtp_server):
    """The outbox's worker, run by hand: sends every pending row (whatever its next attempt
    time) to ``smtp_server`` as Celery would once the request's transaction has committed.
    Returns the outcomes' counts."""

    def run() -> dict:
        due = OutgoingMessage.objects.filter(state="pending")
        return delivery.messages_deliver(ids=list(due.order_by("pk").values_list("pk", flat=True)))

    return run


# --- Browser tests: real Chromium through Playwright ---------------------------------------

if CHROMIUM_FOUND:
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
    # around it are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM_FOUND:
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set CHROMIUM)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    browser_items = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "Chromium not found" in str(r.longrepr)
    ]
    if browser_items:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {len(browser_items)} — Chromium was not found at {CHROMIUM}. "
            "Install Debian's chromium or set CHROMIUM=/path/to/chromium.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab on the live server. It fails the test on any CSP violation."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    violations = []
    tab.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    tab.csp_violations = violations
    yield tab
    context.close()
    assert not violations, f"CSP violations: {violations}"
