"""The log-in lock protects accounts without letting anyone lock the real user out."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from infoview.testing.browser import PASSWORD

WRONG = "not the password"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    settings.TRUSTED_PROXY_COUNT = 0


def _from(address, **headers) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def _login(client, email, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def _fail(client, email, times, **extra):
    for _attempt in range(times):
        assert _login(client, email, WRONG, **extra).status_code in {400, 429}


def test_it_counts_case_variants_as_one_account(alice):
    attacker = _from("203.0.113.9")
    _fail(attacker, "alice@example.test", 5)
    for variant in ("ALICE@example.test", " Alice@Example.TEST "):
        response = _login(_from("198.51.100.1"), variant, PASSWORD)
        assert response.status_code == 429
    # Case variants of wrong guesses count against the same account too.
    _fail(_from("203.0.113.10"), "ALICE@EXAMPLE.TEST", 1)


def test_a_stranger_cannot_lock_the_real_user_out_of_their_own_browser(alice):
    real = _from("198.51.100.1")
    assert _login(real, "alice@example.test", PASSWORD).status_code == 302
    real.post(reverse("accounts:logout"))
    attacker = _from("203.0.113.9")
    _fail(attacker, "alice@example.test", 7)
    assert _login(attacker, "alice@example.test", PASSWORD).status_code == 429
    assert _login(real, "alice@example.test", PASSWORD).status_code == 302


def test_a_forged_device_cookie_does_not_count(alice):
    _fail(_from("203.0.113.9"), "alice@example.test", 5)
    forger = _from("198.51.100.1")
    forger.cookies["infoview_device"] = "forged"
    assert _login(forger, "alice@example.test", PASSWORD).status_code == 429


def test_a_password_reset_ends_the_account_cool_off(alice, smtp_server, outbox_worker):
    _fail(_from("203.0.113.9"), "alice@example.test", 5)
    real = _from("198.51.100.1")
    assert _login(real, "alice@example.test", PASSWORD).status_code == 429
    real.post(reverse("accounts:password_reset"), {"email": "alice@example.test"})
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", body).group(1)
    form_url = real.get(link, follow=True).redirect_chain[-1][0]
    new = "a brand new passphrase"
    assert real.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert _login(real, "alice@example.test", new).status_code == 302


def test_failures_with_made_up_emails_do_not_lock_other_users_at_that_address(alice, bob):
    office = _from("192.0.2.50")
    for number in range(5):
        _fail(office, f"nobody{number}@example.test", 1)
    assert _login(_from("192.0.2.50"), "bob@example.test", PASSWORD).status_code == 302


def test_an_address_is_locked_after_its_own_limit_and_only_that_address(alice, bob):
    guesser = _from("192.0.2.50")
    for number in range(8):
        _fail(guesser, f"nobody{number}@example.test", 1)
    assert _login(_from("192.0.2.50"), "bob@example.test", PASSWORD).status_code == 429
    assert _login(_from("192.0.2.51"), "bob@example.test", PASSWORD).status_code == 302


def test_logging_in_to_ones_own_account_does_not_clear_the_address_count(alice, bob):
    guesser = _from("192.0.2.50")
    for number in range(7):
        _fail(guesser, f"nobody{number}@example.test", 1)
    assert _login(guesser, "bob@example.test", PASSWORD).status_code == 302
    guesser.post(reverse("accounts:logout"))
    _fail(guesser, "nobody99@example.test", 1)
    assert _login(_from("192.0.2.50"), "alice@example.test", PASSWORD).status_code == 429


def _behind_proxy(address):
    return {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": address}


def test_it_ignores_the_proxy_header_unless_trusted(alice):
    for number in range(8):
        _fail(Client(), f"nobody{number}@example.test", 1, **_behind_proxy("203.0.113.9"))
    # Everyone is the proxy's address, and that address is locked: a forged header does not
    # get round it.
    response = _login(Client(), "alice@example.test", PASSWORD, **_behind_proxy("198.51.100.1"))
    assert response.status_code == 429


def test_it_reads_the_client_address_from_a_trusted_proxy(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(8):
        _fail(Client(), f"nobody{number}@example.test", 1, **_behind_proxy("203.0.113.9"))
    response = _login(Client(), "alice@example.test", PASSWORD, **_behind_proxy("198.51.100.1"))
    assert response.status_code == 302
    response = _login(Client(), "alice@example.test", PASSWORD, **_behind_proxy("203.0.113.9"))
    assert response.status_code == 429
