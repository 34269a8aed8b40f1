"""Each flood-prone door answers 429, with Retry-After and the page that says so, past its limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from infoview.testing.browser import PASSWORD
from interviews import services as interview_services

# Every request below comes from this address unless it says otherwise.
ADDRESS = "203.0.113.9"


def _limit(settings, name: str, rate: str = "2/m") -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, name: rate}


def _assert_refused(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Too many requests" in body
    assert "Please try again in" in body


@pytest.mark.django_db
def test_it_limits_sign_ups_per_address(client, settings):
    _limit(settings, "signup")
    url = reverse("accounts:signup")
    form = {"name": "X", "email": "not-an-address", "password1": "", "password2": ""}
    # Invalid forms count too: the limit is on attempts, not on accounts made.
    assert [client.post(url, form, REMOTE_ADDR=ADDRESS).status_code for _ in range(2)] == [400] * 2
    _assert_refused(client.post(url, form, REMOTE_ADDR=ADDRESS))
    # The form itself is still shown, and another address has its own count.
    assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 200
    assert client.post(url, form, REMOTE_ADDR="203.0.113.10").status_code == 400


def test_it_limits_log_ins_per_address_across_accounts(client, settings, alice, bob):
    _limit(settings, "login")
    url = reverse("accounts:login")
    # Two different accounts from one address: django-axes counts per account, this per address.
    for email in ("alice@example.test", "bob@example.test"):
        answer = client.post(url, {"username": email, "password": "wrong"}, REMOTE_ADDR=ADDRESS)
        assert answer.status_code == 400
    refused = client.post(
        url, {"username": "alice@example.test", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    _assert_refused(refused)
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_log_in_limit_counts_the_forwarded_address(
    client, settings, alice
):
    _limit(settings, "login")
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("accounts:login")
    form = {"username": "alice@example.test", "password": "wrong"}
    for _ in range(2):
        client.post(url, form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    _assert_refused(
        client.post(url, form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    )
    # Another client behind the same proxy is not refused.
    other = client.post(url, form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 400


def test_it_limits_password_reset_requests(client, settings, alice, smtp_server, outbox_worker):
    _limit(settings, "password_reset")
    url = reverse("accounts:password_reset")
    for _ in range(2):
        answer = client.post(url, {"email": "alice@example.test"}, REMOTE_ADDR=ADDRESS)
        assert answer.status_code == 302
    _assert_refused(client.post(url, {"email": "alice@example.test"}, REMOTE_ADDR=ADDRESS))
    assert outbox_worker() == {"sent": 2}
    assert len(smtp_server.messages) == 2


def test_it_limits_invitations_per_admin(
    client, settings, alice, workspace_a, charlie, workspace_b, smtp_server
):
    _limit(settings, "invitation")

    def form(email: str, n: int) -> dict:
        # A fresh one-time token each time: these are separate forms, not a resubmission.
        return {"email": email, "role": "recruiter", "idempotency_token": f"limit-token-{n:012}"}

    client.force_login(alice)
    url = reverse("workspace:invite", kwargs={"ws": workspace_a.slug})
    for n in range(2):
        answer = client.post(url, form(f"new{n}@example.test", n))
        assert answer.status_code == 302
    refused = client.post(url, form("new9@example.test", 9))
    _assert_refused(refused)
    assert workspace_a.invitation_set.count() == 2
    # Counted per account, not per address: another admin from the same address is not refused.
    client.force_login(charlie)
    url_b = reverse("workspace:invite", kwargs={"ws": workspace_b.slug})
    assert client.post(url_b, form("x@example.test", 10)).status_code == 302


def test_it_limits_import_uploads_per_user(client, settings, bob, workspace_a):
    _limit(settings, "import_upload")
    client.force_login(bob)
    url = reverse("contacts:import_upload", kwargs={"ws": workspace_a.slug})

    def upload():
        data = b"First Name,Last Name,Email Address\nAda,Lovelace,ada@example.test\n"
        return client.post(url, {"file": SimpleUploadedFile("Connections.csv", data)})

    assert [upload().status_code for _ in range(2)] == [302, 302]
    _assert_refused(upload())
    assert workspace_a.importjob_set.count() == 2
    # The upload page itself still opens.
    assert client.get(url).status_code == 200


def test_it_limits_the_calendar_feed_per_address(client, settings, bob):
    _limit(settings, "calendar_feed_address")
    token = interview_services.calendar_token_regenerate(user=bob).token
    url = reverse("calendar:feed", kwargs={"token": token})
    assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 200
    # Guessing tokens counts as much as the right one.
    wrong = reverse("calendar:feed", kwargs={"token": "guess"})
    assert client.get(wrong, REMOTE_ADDR=ADDRESS).status_code == 404
    _assert_refused(client.get(url, REMOTE_ADDR=ADDRESS))
    assert client.get(url, REMOTE_ADDR="203.0.113.10").status_code == 200


def test_the_default_limits_leave_ordinary_use_alone(client, alice):
    """Ten log-ins in a row from one address (a busy office) are well under the default."""
    url = reverse("accounts:login")
    for _ in range(10):
        answer = client.post(url, {"username": "alice@example.test", "password": PASSWORD})
        assert answer.status_code == 302
        client.logout()
