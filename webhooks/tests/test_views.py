"""The admins' pages, through the client: create, edit, log, delete, re-enable, test, isolation."""

import pytest
from django.urls import reverse

from accounts.models import Workspace
from webhooks import delivery
from webhooks.models import Delivery, Endpoint


def url(name, **kwargs):
    return reverse(f"webhooks:{name}", kwargs={"ws": "acme", **kwargs})


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def endpoint(endpoint_for, receiver):
    return endpoint_for(receiver.url(), description="Zapier")


def test_an_admin_adds_a_webhook_and_sees_its_secret(as_alice, receiver):
    response = as_alice.post(
        url("create"),
        {
            "url": receiver.url(),
            "description": "n8n",
            "events": ["contact.created", "interview.completed"],
        },
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response.url == endpoint.get_absolute_url()
    assert endpoint.events == ["contact.created", "interview.completed"]
    page = as_alice.get(endpoint.get_absolute_url()).text
    assert endpoint.secret in page and endpoint.secret.startswith("whsec_")
    assert receiver.url() in as_alice.get(url("list")).text


@pytest.mark.parametrize(
    "data",
    [
        {"url": "not a url", "events": ["contact.created"]},
        {"url": "https://93.184.215.14/", "events": []},
        {"url": "https://93.184.215.14/", "events": ["no.such.event"]},
        {"url": "https://93.184.215.14/" + "a" * 2100, "events": ["contact.created"]},
    ],
)
def test_bad_input_is_a_400_that_saves_nothing(as_alice, data):
    assert as_alice.post(url("create"), data).status_code == 400
    assert not Endpoint.objects.exists()


def test_an_admin_edits_a_webhook(as_alice, endpoint):
    response = as_alice.post(
        url("edit", pk=endpoint.pk),
        {"url": endpoint.url, "description": "Make", "events": ["followup.due"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["followup.due"] and endpoint.description == "Make"


def test_delete_asks_first(as_alice, endpoint):
    page = as_alice.get(url("delete", pk=endpoint.pk))
    assert page.status_code == 200 and "Delete this webhook?" in page.text
    assert Endpoint.objects.exists()
    assert as_alice.post(url("delete", pk=endpoint.pk)).status_code == 302
    assert not Endpoint.objects.exists()


def test_the_log_shows_each_attempt_with_its_answer(
    as_alice, endpoint, receiver, workspace_a, alice
):
    from contacts.services import contact_create

    receiver.statuses = [500]
    contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    row = Delivery.objects.get()
    delivery.deliveries_deliver(delivery_ids=[row.pk])
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    delivery.deliveries_deliver(delivery_ids=[row.pk])
    page = as_alice.get(endpoint.get_absolute_url()).text
    assert page.count(row.msg_id) == 2
    assert ">500<" in page and ">200<" in page


def test_the_test_button_queues_a_test_event(as_alice, endpoint):
    response = as_alice.post(url("test", pk=endpoint.pk))
    assert response.status_code == 302
    assert Delivery.objects.get().event_type == "webhook.test"


def test_the_test_button_is_rate_limited(as_alice, endpoint, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhook_test": "2/h"}
    for _ in range(2):
        assert as_alice.post(url("test", pk=endpoint.pk)).status_code == 302
    response = as_alice.post(url("test", pk=endpoint.pk))
    assert response.status_code == 429 and response["Retry-After"]
    assert Delivery.objects.count() == 2


def test_a_switched_off_webhook_is_switched_back_on_from_its_page(as_alice, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="3 failed attempts in a row", consecutive_failures=3
    )
    page = as_alice.get(endpoint.get_absolute_url()).text
    assert "3 failed attempts in a row" in page and "Switch back on" in page
    assert as_alice.post(url("test", pk=endpoint.pk)).status_code == 302
    assert not Delivery.objects.exists(), "no test event to a switched-off endpoint"
    assert as_alice.post(url("enable", pk=endpoint.pk)).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_another_workspace_gets_404_and_a_recruiter_403(client, endpoint, bob, charlie):
    client.force_login(charlie)
    for name in ["detail", "edit", "delete"]:
        assert client.get(url(name, pk=endpoint.pk)).status_code == 404
    for name in ["delete", "enable", "test"]:
        assert client.post(url(name, pk=endpoint.pk)).status_code == 404
    # Charlie's own workspace does not have it either.
    other = reverse("webhooks:detail", kwargs={"ws": "bravo", "pk": endpoint.pk})
    assert client.get(other).status_code == 404
    client.force_login(bob)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("detail", pk=endpoint.pk)).status_code == 403
    assert client.post(url("delete", pk=endpoint.pk)).status_code == 403
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_personal_workspace_has_no_webhooks(client, alice):
    personal = Workspace.objects.get(membership__user=alice, kind=Workspace.Kind.PERSONAL)
    client.force_login(alice)
    response = client.get(reverse("webhooks:list", kwargs={"ws": personal.slug}))
    assert response.status_code == 404


def test_workspace_settings_link_to_webhooks_for_admins(as_alice):
    page = as_alice.get(reverse("workspace:settings", kwargs={"ws": "acme"})).text
    assert url("list") in page


@pytest.mark.parametrize("size", [1, 12])
def test_the_list_takes_the_same_queries_whatever_its_length(
    as_alice, endpoint_for, size, django_assert_num_queries
):
    for number in range(size):
        endpoint_for(f"http://127.0.0.1:9/{number}")
    as_alice.get(url("list"))  # the first visit also records the workspace as her last one
    with django_assert_num_queries(3):
        as_alice.get(url("list"))


@pytest.mark.parametrize("size", [1, 30])
def test_the_log_takes_the_same_queries_whatever_its_length(
    as_alice, endpoint, workspace_a, alice, size, django_assert_num_queries
):
    from contacts.services import contact_create

    for number in range(size):
        contact_create(workspace=workspace_a, owner=alice, first_name=f"P{number}")
    delivery.deliveries_deliver(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    as_alice.get(url("list"))
    with django_assert_num_queries(6):
        as_alice.get(url("detail", pk=endpoint.pk))


def test_a_switched_off_webhook_says_why_in_the_readers_language(as_alice, alice, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="3 failed attempts in a row", consecutive_failures=3
    )
    alice.language = "fr"
    alice.save(update_fields=["language"])
    page = as_alice.get(endpoint.get_absolute_url()).text
    assert "3 tentatives échouées d\u2019affilée" in page and "Réactiver" in page
    assert "failed attempts" not in page
    Endpoint.objects.filter(pk=endpoint.pk).update(
        disabled_reason="every attempt failed since 2026-03-01 09:30 UTC"
    )
    page = as_alice.get(endpoint.get_absolute_url()).text
    assert "toutes les tentatives échouent depuis le 2026-03-01 09:30 UTC" in page
