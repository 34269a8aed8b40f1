import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, OutgoingMessage, User, Workspace
from infoview.net import free_port
from infoview.testing.browser import PASSWORD

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _signup(client, **overrides):
    data = {
        "name": "Dana Candidate",
        "email": "dana@example.test",
        "password1": "a long unusual passphrase",
        "password2": "a long unusual passphrase",
        "time_zone": "Europe/London",
        **overrides,
    }
    # The emails go once the sign-up's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:signup"), data)


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _signup_link(inbox, email="dana@example.test") -> str:
    [message] = [m for m in inbox.messages if m["To"] == email]
    return re.search(r"https?://[^/\s]+(/accounts/signup/\S+)", _text(message)).group(1)


class TestSignup:
    def test_it_creates_the_user_and_a_personal_workspace_once_the_email_link_is_followed(
        self, client, db, smtp_server, outbox_worker
    ):
        response = _signup(client)
        assert response.url == reverse("accounts:signup_sent")
        user = User.objects.get(email="dana@example.test")
        assert not user.is_active
        response = client.post(
            reverse("accounts:login"),
            {"username": "dana@example.test", "password": "a long unusual passphrase"},
        )
        assert response.status_code == 400
        assert smtp_server.messages == []  # queued, not sent in the request
        assert outbox_worker() == {"sent": 1}
        response = client.get(_signup_link(smtp_server))
        personal = Workspace.objects.get(membership__user=user)
        assert personal.kind == Workspace.Kind.PERSONAL
        assert Membership.objects.get(user=user).role == Membership.Role.OWNER
        assert response.status_code == 302
        assert response.url == personal.get_absolute_url()
        assert client.get(response.url).status_code == 200
        client.post(reverse("accounts:logout"))
        # The link works once.
        assert client.get(_signup_link(smtp_server)).status_code == 404

    def test_it_answers_the_same_for_an_email_already_used_and_tells_its_owner(
        self, client, alice, smtp_server, outbox_worker
    ):
        fresh = _signup(client, email="nobody@example.test")
        response = _signup(client, email="ALICE@example.test")
        assert (response.status_code, response.url) == (fresh.status_code, fresh.url)
        assert User.objects.filter(email__iexact="alice@example.test").count() == 1
        assert outbox_worker() == {"sent": 2}
        [notice] = [m for m in smtp_server.messages if m["To"] == "alice@example.test"]
        assert "already has an account" in _text(notice)
        assert not re.search(r"/accounts/signup/\S+/", _text(notice))
        alice.refresh_from_db()
        assert alice.check_password(PASSWORD) and alice.is_active

    def test_signing_up_again_before_confirming_sends_a_new_link(
        self, client, db, smtp_server, outbox_worker
    ):
        _signup(client)
        _signup(client, name="Dana Again")
        assert outbox_worker() == {"sent": 2}
        link = re.search(r"(/accounts/signup/\S+)", _text(smtp_server.messages[1])).group(1)
        assert client.get(link)
        assert User.objects.get(email="dana@example.test").name == "Dana Again"

    def test_a_very_long_name_still_gets_a_personal_workspace(
        self, client, db, smtp_server, outbox_worker
    ):
        response = _signup(client, name="N" * 150)
        assert response.status_code == 302
        outbox_worker()
        client.get(_signup_link(smtp_server))
        user = User.objects.get(email="dana@example.test")
        assert user.last_workspace.name.startswith("NNN")

    def test_the_request_opens_no_smtp_connection(self, client, db, settings, outbox_worker):
        # The mail server is down (nothing listens on the port): the sign-up still answers at
        # once, and its email waits in the outbox for the worker, who retries it later.
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
            }
        }
        response = _signup(client)
        assert (response.status_code, response.url) == (302, reverse("accounts:signup_sent"))
        [queued] = OutgoingMessage.objects.all()
        assert (queued.kind, queued.to, queued.state) == (
            "signup_confirm",
            ["dana@example.test"],
            OutgoingMessage.State.PENDING,
        )
        assert "/accounts/signup/" in queued.body
        assert outbox_worker() == {"retry": 1}

    @pytest.mark.parametrize("password", ["password123", "short", "12345678901"])
    def test_it_refuses_weak_or_common_passwords(self, client, db, password):
        response = _signup(client, password1=password, password2=password)
        assert response.status_code == 400
        assert not User.objects.filter(email="dana@example.test").exists()

    def test_it_refuses_two_different_passwords(self, client, db):
        response = _signup(client, password2="another long passphrase")
        assert response.status_code == 400
        assert "differ" in response.content.decode()


class TestLogin:
    def test_it_logs_in_with_email_and_password(self, client, alice):
        response = client.post(
            reverse("accounts:login"), {"username": "Alice@Example.test", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 302

    def test_it_answers_400_to_a_wrong_password(self, client, alice):
        response = client.post(
            reverse("accounts:login"), {"username": "alice@example.test", "password": "nope"}
        )
        assert response.status_code == 400
        assert "correct" in response.content.decode()

    def test_it_locks_the_account_after_repeated_failures_and_says_so(self, client, alice):
        url = reverse("accounts:login")
        for _attempt in range(5):
            client.post(url, {"username": "alice@example.test", "password": "wrong guess"})
        response = client.post(url, {"username": "alice@example.test", "password": PASSWORD})
        assert response.status_code == 429
        assert "Too many failed log-in attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_it_logs_out_only_by_post(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_a_password_change_ends_the_other_sessions(self, client, alice):
        from django.test import Client

        other = Client()
        other.force_login(alice)
        client.force_login(alice)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "a brand new passphrase",
                "new_password2": "a brand new passphrase",
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("accounts:settings")).status_code == 200
        assert other.get(reverse("accounts:settings")).status_code == 302


class TestPasswordReset:
    def test_it_emails_a_link_that_sets_a_new_password(
        self, client, alice, smtp_server, outbox_worker
    ):
        client.post(reverse("accounts:password_reset"), {"email": "alice@example.test"})
        assert smtp_server.messages == []  # queued, not sent in the request
        assert outbox_worker() == {"sent": 1}
        [message] = smtp_server.messages
        assert message["To"] == "alice@example.test"
        link = re.search(
            r"https?://[^/\s]+(/accounts/password/reset/\S+/)",
            message.get_body(("plain",)).get_content(),
        )
        response = client.get(link.group(1), follow=True)
        form_url = response.redirect_chain[-1][0]
        response = client.post(
            form_url,
            {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        )
        assert response.status_code == 302
        alice.refresh_from_db()
        assert alice.check_password("a brand new passphrase")


class TestAccountSettings:
    def test_it_saves_name_time_zone_and_reminder_preference(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("accounts:settings"),
            {"name": "Alice A.", "time_zone": "America/New_York", "reminder_preference": "digest"},
        )
        assert response.status_code == 302
        alice.refresh_from_db()
        assert (alice.name, alice.time_zone, alice.reminder_preference) == (
            "Alice A.",
            "America/New_York",
            "digest",
        )

    def test_it_refuses_an_unknown_time_zone(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("accounts:settings"),
            {"name": "Alice", "time_zone": "Mars/Olympus", "reminder_preference": "digest"},
        )
        assert response.status_code == 400
        alice.refresh_from_db()
        assert alice.time_zone == "Europe/London"

    def test_it_shows_times_in_the_users_time_zone(self, client, alice, workspace_a):
        alice.time_zone = "Asia/Tokyo"
        alice.save()
        Invitation.objects.create(
            workspace=workspace_a,
            email="x@example.test",
            invited_by=alice,
            expires_at=timezone.make_aware(timezone.datetime(2026, 12, 1, 15, 30), timezone.UTC),
        )
        client.force_login(alice)
        page = client.get(reverse("workspace:members", kwargs={"ws": "acme"})).content.decode()
        assert "2 Dec 2026, 00:30" in page


def _invite(client, alice, email="newcomer@example.test", role="recruiter", token=None):
    client.force_login(alice)
    token = token or f"invite-{email}-token-0123"[:60].replace("@", "-").replace(".", "-")
    return client.post(
        reverse("workspace:invite", kwargs={"ws": "acme"}),
        {"email": email, "role": role, "idempotency_token": token},
    )


class TestInvitations:
    def test_the_whole_flow_from_email_to_membership(
        self, client, alice, smtp_server, outbox_worker
    ):
        assert _invite(client, alice).status_code == 302
        assert smtp_server.messages == []  # the request only queued it
        page = client.get(reverse("workspace:members", kwargs={"ws": "acme"})).content.decode()
        assert 'data-outgoing-state="pending"' in page
        assert outbox_worker() == {"sent": 1}
        page = client.get(reverse("workspace:members", kwargs={"ws": "acme"})).content.decode()
        assert 'data-outgoing-state="sent"' in page
        [message] = smtp_server.messages
        assert message["To"] == "newcomer@example.test"
        assert "Acme" in message["Subject"]
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        path = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", text).group(1)
        assert path in html

        client.post(reverse("accounts:logout"))
        assert "Create an account to join" in client.get(path).content.decode()
        _signup(client, email="newcomer@example.test", next=path)
        assert outbox_worker() == {"sent": 1}
        confirm = smtp_server.messages[-1]
        assert confirm["To"] == "newcomer@example.test"
        link = re.search(
            r"https?://[^/\s]+(/accounts/signup/\S+)", confirm.get_body(("plain",)).get_content()
        )
        response = client.get(link.group(1))
        assert response.url == path
        response = client.post(path)
        assert response.status_code == 302
        newcomer = User.objects.get(email="newcomer@example.test")
        membership = Membership.objects.get(user=newcomer, workspace__slug="acme")
        assert membership.role == Membership.Role.RECRUITER
        # The newcomer also has their own personal workspace, separate from the team's.
        assert Membership.objects.filter(user=newcomer).count() == 2

        again = client.post(path)
        assert again.status_code == 410
        assert "already been used" in again.content.decode()

    def test_the_same_invite_form_posted_twice_invites_once(self, client, alice):
        first = _invite(client, alice, token="the-same-token-0123456789")
        again = _invite(client, alice, token="the-same-token-0123456789")
        assert (first.status_code, again.status_code) == (302, 302)
        assert Invitation.objects.filter(email="newcomer@example.test").count() == 1
        assert OutgoingMessage.objects.filter(kind="workspace_invitation").count() == 1

    def test_a_refused_invitation_email_shows_on_the_members_page(
        self, client, alice, smtp_server, outbox_worker
    ):
        smtp_server.refuse_with = "550 5.1.1 No such mailbox"
        _invite(client, alice)
        assert outbox_worker() == {"failed": 1}
        page = client.get(reverse("workspace:members", kwargs={"ws": "acme"})).content.decode()
        assert 'data-outgoing-state="failed"' in page
        assert "550 5.1.1 No such mailbox" in page

    def test_an_expired_invitation_is_refused_and_changes_nothing(self, client, alice, bob):
        invitation = services.invitation_create(
            workspace=alice.membership_set.get(workspace__slug="acme").workspace,
            email="bob-friend@example.test",
            role="recruiter",
            invited_by=alice,
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        stranger = User.objects.create_user("bob-friend@example.test", PASSWORD, name="Friend")
        client.force_login(stranger)
        response = client.post(invitation.get_absolute_url())
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert not Membership.objects.filter(user=stranger).exists()

    def test_it_refuses_a_user_with_another_email(self, client, alice, charlie, workspace_a):
        invitation = services.invitation_create(
            workspace=workspace_a, email="someone@example.test", role="recruiter", invited_by=alice
        )
        client.force_login(charlie)
        response = client.post(invitation.get_absolute_url())
        assert response.status_code == 403
        assert not Membership.objects.filter(user=charlie, workspace=workspace_a).exists()

    def test_an_unknown_token_is_404(self, client, db):
        assert client.get("/accounts/invitations/not-a-token/").status_code == 404

    def test_it_refuses_to_invite_a_member_twice(self, client, alice, bob):
        response = _invite(client, alice, email="bob@example.test")
        assert response.status_code == 400
        assert "already a member" in response.content.decode()
        assert not Invitation.objects.exists()

    def test_it_refuses_a_bad_email(self, client, alice):
        assert _invite(client, alice, email="not-an-email").status_code == 400
        assert not Invitation.objects.exists()

    def test_a_recruiter_cannot_invite(self, client, bob):
        response = _invite(client, bob)
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_the_purge_removes_long_expired_unused_invitations_only(self, alice, workspace_a):
        now = timezone.now()
        old = Invitation.objects.create(
            workspace=workspace_a, email="a@x.test", expires_at=now - timedelta(days=8)
        )
        recent = Invitation.objects.create(
            workspace=workspace_a, email="b@x.test", expires_at=now - timedelta(days=1)
        )
        assert services.invitations_purge_expired() == 1
        assert not Invitation.objects.filter(pk=old.pk).exists()
        assert Invitation.objects.filter(pk=recent.pk).exists()


class TestTeamAdministration:
    def _url(self, name, **kwargs):
        return reverse(f"workspace:{name}", kwargs={"ws": "acme", **kwargs})

    def test_an_admin_changes_a_role(self, client, alice, bob):
        membership = Membership.objects.get(user=bob, workspace__slug="acme")
        client.force_login(alice)
        client.post(self._url("member_role", pk=membership.pk), {"role": "admin"})
        membership.refresh_from_db()
        assert membership.role == Membership.Role.ADMIN

    def test_the_last_admin_cannot_be_demoted_or_removed(self, client, alice, bob):
        own = Membership.objects.get(user=alice, workspace__slug="acme")
        client.force_login(alice)
        response = client.post(self._url("member_role", pk=own.pk), {"role": "recruiter"})
        assert response.status_code == 400
        assert "at least one admin" in response.content.decode()
        assert client.post(self._url("member_remove", pk=own.pk)).status_code == 400
        own.refresh_from_db()
        assert own.role == Membership.Role.ADMIN

    def test_an_unknown_role_changes_nothing(self, client, alice, bob):
        membership = Membership.objects.get(user=bob, workspace__slug="acme")
        client.force_login(alice)
        client.post(self._url("member_role", pk=membership.pk), {"role": "owner"})
        membership.refresh_from_db()
        assert membership.role == Membership.Role.RECRUITER

    def test_removing_asks_first_then_removes(self, client, alice, bob):
        membership = Membership.objects.get(user=bob, workspace__slug="acme")
        client.force_login(alice)
        confirm = client.get(self._url("member_remove", pk=membership.pk))
        assert "Remove Bob Recruiter from the team?" in confirm.content.decode()
        assert Membership.objects.filter(pk=membership.pk).exists()
        client.post(self._url("member_remove", pk=membership.pk))
        assert not Membership.objects.filter(pk=membership.pk).exists()
        client.force_login(bob)
        assert client.get(reverse("workspace_home", kwargs={"ws": "acme"})).status_code == 404

    def test_a_recruiter_can_do_none_of_it(self, client, alice, bob):
        own = Membership.objects.get(user=alice, workspace__slug="acme")
        client.force_login(bob)
        assert (
            client.post(self._url("member_role", pk=own.pk), {"role": "recruiter"}).status_code
            == 403
        )
        assert client.post(self._url("member_remove", pk=own.pk)).status_code == 403
        assert client.post(self._url("settings"), {"name": "Hijacked"}).status_code == 403
        assert Workspace.objects.get(slug="acme").name == "Acme"

    def test_an_admin_renames_the_workspace(self, client, alice):
        client.force_login(alice)
        response = client.post(
            self._url("settings"),
            {
                "name": "Acme Talent",
                "time_zone": "Europe/London",
                "default_cadence_days": 90,
                "thank_you_delay_hours": 24,
            },
        )
        assert response.status_code == 302
        assert Workspace.objects.get(slug="acme").name == "Acme Talent"

    def test_an_empty_name_is_refused(self, client, alice):
        client.force_login(alice)
        response = client.post(
            self._url("settings"),
            {
                "name": "",
                "time_zone": "Europe/London",
                "default_cadence_days": 90,
                "thank_you_delay_hours": 24,
            },
        )
        assert response.status_code == 400
        assert Workspace.objects.get(slug="acme").name == "Acme"

    def test_the_members_page_runs_the_same_queries_for_a_small_and_a_larger_team(
        self, client, alice, django_assert_num_queries
    ):
        from accounts.tests.factories import MembershipFactory

        workspace = Workspace.objects.get(slug="acme")
        client.force_login(alice)
        url = self._url("members")
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            client.get(url)
        MembershipFactory.create_batch(30, workspace=workspace)
        with django_assert_num_queries(len(small.captured_queries)):
            client.get(url)


class TestWorkspaces:
    def test_a_user_creates_a_team_workspace_and_becomes_its_admin(self, client, charlie):
        client.force_login(charlie)
        response = client.post(reverse("workspace_create"), {"name": "Scouts", "time_zone": "UTC"})
        workspace = Workspace.objects.get(name="Scouts")
        assert workspace.kind == Workspace.Kind.TEAM
        assert Membership.objects.get(user=charlie, workspace=workspace).role == "admin"
        assert response.url == reverse("workspace:members", kwargs={"ws": workspace.slug})

    def test_home_sends_a_user_to_the_last_workspace_used(self, client, alice):
        client.force_login(alice)
        personal = Workspace.objects.get(membership__user=alice, kind="personal")
        client.get(personal.get_absolute_url())
        assert client.get(reverse("home")).url == personal.get_absolute_url()
        client.get(reverse("workspace_home", kwargs={"ws": "acme"}))
        assert client.get(reverse("home")).url == "/w/acme/"

    def test_a_personal_workspace_has_no_team_pages(self, client, alice):
        personal = Workspace.objects.get(membership__user=alice, kind="personal")
        client.force_login(alice)
        assert (
            client.get(reverse("workspace:members", kwargs={"ws": personal.slug})).status_code
            == 404
        )

    def test_the_switcher_lists_only_my_workspaces(self, client, alice, charlie):
        client.force_login(alice)
        page = client.get(reverse("workspace_home", kwargs={"ws": "acme"})).content.decode()
        assert "Acme" in page
        assert "Bravo" not in page
