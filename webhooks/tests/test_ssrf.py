"""Webhooks go to public HTTPS addresses only, checked at registration and before each request."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.services import contact_create
from webhooks import delivery, ssrf
from webhooks.models import Attempt, Delivery, Endpoint

PUBLIC = "93.184.215.14"


@pytest.fixture
def production_rules(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.8.8",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_it_refuses_loopback_private_link_local_multicast_and_reserved_addresses(address):
    assert ssrf.address_refused(address)


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111"])
def test_it_accepts_public_addresses(address):
    assert not ssrf.address_refused(address)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        f"http://{PUBLIC}/hook",
        "ftp://example.org/hook",
        f"https://user:secret@{PUBLIC}/hook",
    ],
)
def test_it_refuses_to_register_such_targets(production_rules, workspace_a, alice, url):
    from webhooks import services

    with pytest.raises(ValidationError):
        services.endpoint_create(
            workspace=workspace_a, url=url, events=["contact.created"], by=alice
        )
    assert not Endpoint.objects.exists()


def test_the_page_says_why_and_saves_nothing(production_rules, client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("webhooks:create", kwargs={"ws": "acme"}),
        {"url": "https://127.0.0.1:6379/", "events": ["contact.created"]},
    )
    assert response.status_code == 400
    assert "private or reserved address" in response.text
    assert not Endpoint.objects.exists()


def test_it_registers_a_public_https_target(production_rules, workspace_a, alice):
    from webhooks import services

    endpoint = services.endpoint_create(
        workspace=workspace_a, url=f"https://{PUBLIC}/hook", events=["contact.created"], by=alice
    )
    assert endpoint.secret.startswith("whsec_")


def test_a_name_that_later_resolves_to_loopback_is_refused_at_delivery(
    production_rules, monkeypatch, receiver, workspace_a, alice
):
    """DNS rebinding: public at registration, 127.0.0.1 when the request is about to go."""
    from webhooks import services

    answers = {"hooks.example.org": PUBLIC}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", fake_getaddrinfo)
    services.endpoint_create(
        workspace=workspace_a,
        url=f"https://hooks.example.org:{receiver.port}/hook",
        events=["contact.created"],
        by=alice,
    )
    answers["hooks.example.org"] = "127.0.0.1"
    contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    row = Delivery.objects.get()

    assert delivery.deliveries_deliver(delivery_ids=[row.pk]) == 0
    assert receiver.requests == []
    attempt = Attempt.objects.get()
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused:") and "127.0.0.1" in attempt.error


def test_a_private_target_allowed_in_tests_is_refused_once_the_setting_is_off(
    settings, receiver, endpoint_for, workspace_a, alice
):
    endpoint_for(receiver.url())
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    assert delivery.deliveries_deliver(delivery_ids=[Delivery.objects.get().pk]) == 0
    assert receiver.requests == []
    assert "Only https://" in Attempt.objects.get().error


def test_the_request_goes_to_the_address_that_was_checked(
    monkeypatch, receiver, endpoint_for, workspace_a, alice
):
    """The name is resolved once per request, by the check; the connection uses that answer."""
    looked_up = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", fake_getaddrinfo)
    endpoint_for(f"http://hooks.example.org:{receiver.port}/in?source=infoview")
    contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    looked_up.clear()
    assert delivery.deliveries_deliver(delivery_ids=[Delivery.objects.get().pk]) == 1
    (request,) = receiver.requests
    assert request.headers["host"] == f"hooks.example.org:{receiver.port}"
    assert request.path == "/in?source=infoview"
    # The name once (the check); the connection itself only ever sees the checked address.
    assert looked_up in (["hooks.example.org"], ["hooks.example.org", "127.0.0.1"])
