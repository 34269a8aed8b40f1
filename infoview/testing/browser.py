"""Helpers for browser tests (the ``page`` fixture lives in the root conftest.py)."""

PASSWORD = "correct horse battery"  # noqa: S105 - the test users' password


def log_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
