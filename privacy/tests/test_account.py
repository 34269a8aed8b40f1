"""Password hashing, sessions, and a user's own data: export it, delete the account."""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, User, Workspace
from contacts.models import Contact
from contacts.services import contact_create
from infoview.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db


def _log_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


class TestPasswordsAndSessions:
    def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_log_in(self, client, alice):
        User.objects.filter(pk=alice.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        assert User.objects.get(pk=alice.pk).password.startswith("pbkdf2_sha256$")
        assert _log_in(client, "alice@example.test").status_code == 302
        assert User.objects.get(pk=alice.pk).password.startswith("argon2$argon2id$")
        client.post(reverse("accounts:logout"))
        assert _log_in(client, "alice@example.test").status_code == 302

    def test_new_passwords_are_hashed_with_argon2(self, alice):
        assert alice.password.startswith("argon2$")

    def test_production_hashes_use_owasps_argon2id_costs_and_upgrade_heavier_ones(
        self, client, alice, settings
    ):
        from argon2 import PasswordHasher

        from infoview import settings as production

        settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
        # Hashes made with Django's own Argon2 costs (100 MiB, 2 passes, 8 lanes) and with the
        # costs this project used before (46 MiB, 1 pass, 1 lane)...
        for old in (
            PasswordHasher(time_cost=2, memory_cost=102400, parallelism=8),
            PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1),
        ):
            User.objects.filter(pk=alice.pk).update(password="argon2" + old.hash(PASSWORD))
            assert _log_in(client, "alice@example.test").status_code == 302
            # ...are rewritten with the configured ones at log-in.
            assert "$m=19456,t=2,p=1$" in User.objects.get(pk=alice.pk).password
            client.logout()
        assert make_password("another one").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

    def test_log_out_ends_the_session_on_the_server(self, client, alice):
        _log_in(client, "alice@example.test")
        key = client.cookies["sessionid"].value
        assert Session.objects.filter(session_key=key).exists()
        client.post(reverse("accounts:logout"))
        assert not Session.objects.filter(session_key=key).exists()
        # Replaying the old cookie does not log anyone in.
        client.cookies["sessionid"] = key
        response = client.get(reverse("accounts:settings"))
        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_sessions_time_out(self, settings):
        assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60 * 24 * 14


class TestAccountExport:
    def test_account_settings_link_to_the_export_and_the_deletion(self, client, alice):
        client.force_login(alice)
        page = client.get(reverse("accounts:settings")).content.decode()
        assert f'href="{reverse("privacy_account:export")}"' in page
        assert f'href="{reverse("privacy_account:delete")}"' in page

    def test_it_downloads_my_profile_memberships_and_personal_network(
        self, client, alice, bob, workspace_a
    ):
        personal = Workspace.objects.get(membership__user=alice, kind="personal")
        contact_create(workspace=personal, owner=alice, first_name="Mine", summary="my note")
        contact_create(workspace=workspace_a, owner=bob, first_name="Teams")
        client.force_login(alice)
        response = client.get(reverse("privacy_account:export"))
        assert response["Content-Disposition"].startswith("attachment;")
        data = json.loads(response.content)
        assert data["profile"]["email"] == "alice@example.test"
        assert {m["workspace"] for m in data["memberships"]} == {"Acme", personal.name}
        assert [c["contact"]["first_name"] for c in data["personal_network"]] == ["Mine"]
        assert "Teams" not in response.content.decode()
        assert "bob@example.test" not in response.content.decode()

    def test_it_needs_a_log_in(self, client):
        response = client.get(reverse("privacy_account:export"))
        assert response.status_code == 302


class TestAccountDelete:
    def test_it_deletes_me_my_network_and_teams_of_my_own(self, client, charlie, workspace_b):
        personal = Workspace.objects.get(membership__user=charlie, kind="personal")
        contact_create(workspace=personal, owner=charlie, first_name="Gone")
        audit_record(workspace=workspace_b, actor=charlie, action="viewed", obj=charlie)
        _log_in(client, "charlie@example.test")
        assert client.get(reverse("privacy_account:delete")).status_code == 200

        response = client.post(reverse("privacy_account:delete"), {"password": PASSWORD})

        assert response.status_code == 302 and response.url == reverse("accounts:login")
        assert not User.objects.filter(email="charlie@example.test").exists()
        assert not Workspace.objects.filter(pk__in=[personal.pk, workspace_b.pk]).exists()
        assert not Contact.objects.filter(first_name="Gone").exists()
        assert AuditEvent.objects.count() == 1  # the log keeps its ids
        assert "_auth_user_id" not in client.session

    def test_a_shared_team_keeps_its_contacts(self, client, alice, bob, workspace_a):
        kept = contact_create(workspace=workspace_a, owner=bob, first_name="Kept")
        client.force_login(bob)
        response = client.post(reverse("privacy_account:delete"), {"password": PASSWORD})
        assert response.status_code == 302
        kept.refresh_from_db()
        assert kept.owner is None
        assert Workspace.objects.filter(pk=workspace_a.pk).exists()

    def test_a_wrong_password_changes_nothing(self, client, charlie):
        client.force_login(charlie)
        response = client.post(reverse("privacy_account:delete"), {"password": "not it at all"})
        assert response.status_code == 400
        assert User.objects.filter(pk=charlie.pk).exists()

    def test_the_last_admin_of_a_team_must_hand_it_over_first(self, client, alice, bob):
        client.force_login(alice)
        page = client.get(reverse("privacy_account:delete"))
        assert b"delete-blockers" in page.content
        response = client.post(reverse("privacy_account:delete"), {"password": PASSWORD})
        assert response.status_code == 400
        assert User.objects.filter(pk=alice.pk).exists()
        Membership.objects.filter(user=bob).update(role=Membership.Role.ADMIN)
        assert (
            client.post(reverse("privacy_account:delete"), {"password": PASSWORD}).status_code
            == 302
        )
        assert not User.objects.filter(pk=alice.pk).exists()
