"""The signed-in header is rendered once per distinct input and kept (accounts_tags.main_nav):
whatever it shows must still follow every change, and its log-out form must carry the
request's own CSRF token."""

import re

from django.urls import reverse

from accounts.models import Membership, User, Workspace
from infoview.testing.browser import PASSWORD

HOME = reverse("workspace_home", kwargs={"ws": "acme"})
SETTINGS = reverse("workspace:settings", kwargs={"ws": "acme"})


def _header(client) -> str:
    page = client.get(HOME).content.decode()
    return page.split("<header>", 1)[1].split("</header>", 1)[0]


def test_the_header_follows_a_rename_a_new_role_a_new_name_and_the_language(client, bob):
    client.force_login(bob)
    header = _header(client)
    assert ">Acme\n" in header and "Recruiter</span>" in header
    assert SETTINGS not in header
    assert ">Bob</button>" in header

    Workspace.objects.filter(slug="acme").update(name="Acme Labs")
    header = _header(client)
    assert ">Acme Labs\n" in header and ">Acme\n" not in header

    Membership.objects.filter(user=bob).update(role=Membership.Role.ADMIN)
    header = _header(client)
    assert SETTINGS in header and "Admin</span>" in header

    User.objects.filter(pk=bob.pk).update(name="Roberta Recruiter")
    assert ">Roberta</button>" in _header(client)

    User.objects.filter(pk=bob.pk).update(language="fr")
    header = _header(client)
    assert "Se déconnecter" in header and "Réglages</a>" in header


def test_each_member_sees_their_own_header(client, alice, bob):
    client.force_login(alice)
    assert ">Alice</button>" in _header(client) and SETTINGS in _header(client)
    client.force_login(bob)
    header = _header(client)
    assert ">Bob</button>" in header and SETTINGS not in header


def test_the_log_out_form_carries_the_requests_own_token(bob):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    client.post(
        reverse("accounts:login"),
        {"csrfmiddlewaretoken": token, "username": "bob@example.test", "password": PASSWORD},
    )
    header = _header(client)
    form = header.split(f'action="{reverse("accounts:logout")}"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert token != "mainnavcsrftoken"
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302  # logged out: sent to the log-in page


def test_the_switcher_lists_only_ones_own_workspaces_personal_first_then_by_name(
    client, alice, charlie, workspace_b, django_assert_num_queries
):
    from accounts.scoping import memberships_of

    beta = Workspace.objects.create(name="Beta", slug="beta", kind=Workspace.Kind.TEAM)
    Membership.objects.create(user=alice, workspace=beta, role=Membership.Role.RECRUITER)
    zeta = Workspace.objects.create(name="Aardvark", slug="aardvark", kind=Workspace.Kind.TEAM)
    Membership.objects.create(user=charlie, workspace=zeta, role=Membership.Role.ADMIN)
    client.force_login(alice)
    header = _header(client)
    switcher = header.split('id="workspace-switcher"', 1)[1]
    names = re.findall(
        r'class="dropdown-item[^"]*"\s+(?:aria-current="page")?\s*href="/w/([^/]+)/"', switcher
    )
    personal = Membership.objects.get(user=alice, workspace__kind=Workspace.Kind.PERSONAL)
    assert names == [personal.workspace.slug, "acme", "beta"]
    assert "Aardvark" not in header and workspace_b.name not in header

    request = type("Request", (), {"user": alice})()
    with django_assert_num_queries(1):
        memberships = memberships_of(request)
        assert [(m.workspace.slug, m.role) for m in memberships] == [
            (personal.workspace.slug, "owner"),
            ("acme", "admin"),
            ("beta", "recruiter"),
        ]
        assert all(m.user_id == alice.pk for m in memberships)
