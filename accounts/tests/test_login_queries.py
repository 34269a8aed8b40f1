"""What a log-in costs the database, through the log-in page, and that its session holds."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from infoview.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_log_in_writes_its_session_once(alice, django_assert_num_queries):
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = reverse("accounts:login")
    client.get(url)
    # The lock's two counts in one query; the user; the lock's clean-up of old attempts, the
    # access log, the account's attempts reset (django-axes); the last log-in; the session: one
    # INSERT with the user in it, in its savepoint (a transaction outside tests). It was a check
    # that the new key was free, an INSERT of the empty session and an UPDATE with the user.
    with django_assert_num_queries(9) as captured:
        response = client.post(url, {"username": "alice@example.test", "password": PASSWORD})
    assert response.status_code == 302
    writes = [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    key = response.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(alice.pk)
    assert client.get(reverse("accounts:settings")).status_code == 200
