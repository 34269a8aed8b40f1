"""Every page, as every role, in real Chromium: WCAG 2.2 AA (axe-core), valid HTML (the Nu HTML
Checker), and nothing wider than a 390 px phone screen.

The crawl follows links from the home page over the demo data and checks one page of each kind
(route), so a new page is checked as soon as something links to it.
"""

import shutil

import pytest
from django.core.management import call_command

from infoview.demo_logins import DEMO_PASSWORD, DEMO_PEOPLE
from infoview.testing.crawl import AXE, DESKTOP, VNU, crawl, html_errors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (AXE.exists() and VNU.exists() and shutil.which("java")),
        reason="axe-core and vnu-jar come from `npm ci` (make test runs it) and need java",
    ),
]

ROLES = ["candidate", "admin", "recruiter1"]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _context(chromium, live_server, color_scheme="light"):
    # axe-core is injected as a script; the page's own CSP is tested everywhere else.
    return chromium.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport=DESKTOP,
        locale="en-GB",
        color_scheme=color_scheme,
    )


def _log_in(page, role):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(DEMO_PEOPLE[role][0])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_every_page_as_every_role_is_accessible_valid_and_fits_a_phone(chromium, live_server, demo):
    reports = []
    context = _context(chromium, live_server)
    page = context.new_page()
    reports += crawl(page, ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
    context.close()
    routes_by_role = {}
    for role in ROLES:
        context = _context(chromium, live_server)
        page = context.new_page()
        _log_in(page, role)
        found = crawl(page, ["/", "/help/", "/accounts/settings/"])
        routes_by_role[role] = {report.route for report in found}
        reports += found
        context.close()

    # The crawl really walked the site: each role reached the main kinds of page.
    for role in ROLES:
        assert len(routes_by_role[role]) >= 15, (role, sorted(routes_by_role[role]))
    assert any("interviews/<int:pk>/" in route for route in routes_by_role["admin"])

    problems = []
    for report in reports:
        for violation in report.axe:
            problems.append(
                f"{report.url}: axe {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {violation['nodes']}"
            )
        if report.overflow_px > 0:
            problems.append(f"{report.url}: {report.overflow_px}px wider than a 390px screen")
    for url, errors in html_errors(reports).items():
        problems += [f"{url}: HTML {error}" for error in errors]
    assert not problems, "\n".join(problems)


def test_every_page_in_dark_mode_passes_the_contrast_check(chromium, live_server, demo):
    """The system asks for dark; the demo admin's setting is "auto", so every page turns dark."""
    context = _context(chromium, live_server, color_scheme="dark")
    page = context.new_page()
    _log_in(page, "admin")
    reports = crawl(page, ["/", "/help/", "/accounts/settings/"])
    assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    context.close()
    assert len(reports) >= 15
    assert any("/reports/" in report.url for report in reports)
    problems = [
        f"{report.url}: axe {violation['id']} ({violation['impact']}): "
        f"{violation['help']} at {violation['nodes']} {violation['summary']}"
        for report in reports
        for violation in report.axe
    ]
    assert not problems, "\n".join(problems)
