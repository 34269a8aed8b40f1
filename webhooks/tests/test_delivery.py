"""Delivery to a real HTTP receiver on 127.0.0.1: signatures, retries, exactly-once, disabling."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accounts.models import Membership
from contacts.services import contact_create
from infoview.net import free_port
from privacy.services.erasure import contact_erase
from webhooks import delivery, services, tasks
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.tests.receiver import Receiver

T0 = timezone.datetime(2026, 6, 1, 9, 0, tzinfo=timezone.UTC)


def deliver_due():
    """What the beat and a worker do: claim what is due, then post it."""
    return delivery.deliveries_deliver(delivery_ids=delivery.deliveries_claim_due())


def test_it_posts_a_signed_event_that_standardwebhooks_verifies(
    receiver, endpoint_for, workspace_a, alice, django_capture_on_commit_callbacks, monkeypatch
):
    endpoint = endpoint_for(receiver.url())
    # The task runs in this process: the test is about what reaches the receiver.
    monkeypatch.setattr(
        tasks.deliveries_deliver, "delay", lambda ids: tasks.deliveries_deliver(ids)
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_create(
            workspace=workspace_a, owner=alice, first_name="Ada", emails=["ada@engines.test"]
        )

    (request,) = receiver.requests
    assert request.headers["content-type"] == "application/json"
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "contact.created"
    assert payload["data"]["id"] == contact.pk
    assert payload["data"]["first_name"] == "Ada"
    assert payload["data"]["emails"] == ["ada@engines.test"]
    assert request.headers["webhook-id"].startswith("msg_")
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
    row = Delivery.objects.get()
    assert row.state == Delivery.State.DELIVERED
    assert row.last_status_code == 200
    assert list(Attempt.objects.values_list("status_code", flat=True)) == [200]


def test_it_retries_after_a_refused_connection_and_a_500_then_never_again(
    endpoint_for, workspace_a, alice
):
    port = free_port()  # nothing listens there yet: the connection is refused
    with time_machine.travel(T0, tick=False) as clock:
        endpoint = endpoint_for(f"http://127.0.0.1:{port}/hook")
        contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
        row = Delivery.objects.get()
        assert delivery.deliveries_deliver(delivery_ids=[row.pk]) == 0
        row.refresh_from_db()
        assert row.state == Delivery.State.PENDING
        assert "ConnectionRefused" in row.last_error or "NewConnectionError" in row.last_error
        assert row.next_attempt_at == T0 + timedelta(seconds=30)

        receiver = Receiver(statuses=[500]).start(port=port)
        try:
            clock.shift(timedelta(seconds=29))
            assert deliver_due() == 0 and receiver.requests == [], "not before the backoff"
            clock.shift(timedelta(seconds=1))
            assert deliver_due() == 0
            row.refresh_from_db()
            assert row.last_status_code == 500 and row.attempts == 2
            assert row.next_attempt_at == T0 + timedelta(seconds=30 + 60), "the wait doubles"

            clock.shift(timedelta(seconds=60))
            assert deliver_due() == 1
            # Days later, with every sweep and a stray redelivery of the task: nothing more.
            clock.shift(timedelta(days=2))
            assert deliver_due() == 0
            assert delivery.deliveries_deliver(delivery_ids=[row.pk]) == 0
            assert len(receiver.requests) == 2
        finally:
            receiver.stop()
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == row.msg_id
    # Each attempt is signed afresh with its own time (verify checks it is recent).
    assert first.headers["webhook-timestamp"] == str(int((T0 + timedelta(seconds=30)).timestamp()))
    with time_machine.travel(T0 + timedelta(seconds=90), tick=False):
        payload = Webhook(endpoint.secret).verify(second.body, second.headers)
    assert payload["data"]["first_name"] == "Ada"
    codes = list(Attempt.objects.order_by("at").values_list("status_code", flat=True))
    assert codes == [None, 500, 200]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active


def test_it_gives_up_after_24_hours_of_retries(receiver, endpoint_for, workspace_a, alice):
    receiver.status = 503
    with time_machine.travel(T0, tick=False) as clock:
        endpoint_for(receiver.url())
        contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
        row = Delivery.objects.get()
        delivery.deliveries_deliver(delivery_ids=[row.pk])
        for _ in range(40):
            row.refresh_from_db()
            if row.state != Delivery.State.PENDING:
                break
            clock.move_to(row.next_attempt_at)
            deliver_due()
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED
    last = Attempt.objects.order_by("-at").first()
    assert last.at == T0 + timedelta(hours=24), "the last try is at the end of the 24 hours"
    assert 10 <= row.attempts <= 20
    assert len(receiver.requests) == row.attempts


def test_the_same_event_signalled_twice_is_one_delivery(receiver, endpoint_for, workspace_a, alice):
    from contacts import signals
    from contacts.models import Contact

    endpoint_for(receiver.url())
    contact = contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    signals.contact_created.send(sender=Contact, contact=contact)
    assert Delivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_delivery_post_it_once(endpoint_for, workspace_a, alice):
    receiver = Receiver(delay=0.5).start()
    try:
        endpoint_for(receiver.url())
        contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
        row = Delivery.objects.get()
        results = []

        def worker():
            try:
                results.append(delivery.deliveries_deliver(delivery_ids=[row.pk]))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        receiver.stop()
    assert sorted(results) == [0, 0, 1]
    assert len(receiver.requests) == 1


def test_an_erasure_event_carries_ids_only_and_earlier_events_forget_the_person(
    receiver, endpoint_for, workspace_a, alice
):
    endpoint = endpoint_for(receiver.url(), events=["contact.created", "contact.erased"])
    receiver.status = 500  # the creation event is still waiting when the person is erased
    contact = contact_create(
        workspace=workspace_a,
        owner=alice,
        first_name="Grace",
        last_name="Hopper",
        emails=["grace@navy.test"],
        linkedin_url="https://www.linkedin.com/in/gracehopper",
    )
    delivery.deliveries_deliver(delivery_ids=list(Delivery.objects.values_list("pk", flat=True)))
    contact_id = contact.pk
    contact_erase(contact=contact, actor=alice)

    created = Delivery.objects.get(event_type="contact.created")
    assert created.state == Delivery.State.CANCELLED
    erased = Delivery.objects.get(event_type="contact.erased")
    receiver.status = 200
    assert delivery.deliveries_deliver(delivery_ids=[erased.pk]) == 1

    body = receiver.requests[-1].body
    payload = Webhook(endpoint.secret).verify(body, receiver.requests[-1].headers)
    assert payload["type"] == "contact.erased"
    assert payload["data"] == {"id": contact_id, "workspace": "acme", "how": "erased"}
    stored = json.dumps([row.payload for row in Delivery.objects.all()]).lower()
    for personal in ("grace", "hopper", "navy", "linkedin"):
        assert personal not in body.decode().lower()
        assert personal not in stored, f"{personal!r} is still in the outbox"


def test_it_switches_off_an_endpoint_that_keeps_failing_and_emails_the_admins(
    receiver,
    endpoint_for,
    workspace_a,
    alice,
    bob,
    smtp_server,
    outbox_worker,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.status = 500
    endpoint = endpoint_for(receiver.url())
    for name in ["Ada", "Grace", "Edsger", "Barbara"]:
        contact_create(workspace=workspace_a, owner=alice, first_name=name)
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliveries_deliver(delivery_ids=ids)

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    assert len(receiver.requests) == 3, "nothing more is posted once it is off"
    assert outbox_worker() == {"sent": 1}
    (message,) = smtp_server.messages
    assert message["To"] == "alice@example.test", "admins only, not the recruiter Bob"
    assert receiver.url() in message.get_content()
    # Switched off: new events are not recorded for it, waiting ones are not claimed.
    contact_create(workspace=workspace_a, owner=alice, first_name="Alan")
    assert Delivery.objects.count() == 4
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert delivery.deliveries_claim_due() == []

    receiver.status = 200
    services.endpoint_enable(endpoint=endpoint)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert deliver_due() == 4
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()


def test_it_switches_off_an_endpoint_whose_attempts_all_failed_for_24_hours(
    receiver,
    endpoint_for,
    workspace_a,
    alice,
    smtp_server,
    outbox_worker,
    django_capture_on_commit_callbacks,
):
    receiver.status = 502
    with time_machine.travel(T0, tick=False) as clock:
        endpoint = endpoint_for(receiver.url())
        for hour in range(0, 30, 6):
            clock.move_to(T0 + timedelta(hours=hour))
            contact_create(workspace=workspace_a, owner=alice, first_name=f"Person {hour}")
            with django_capture_on_commit_callbacks(execute=True):
                deliver_due_now = Delivery.objects.filter(attempts=0).values_list("pk", flat=True)
                delivery.deliveries_deliver(delivery_ids=list(deliver_due_now))
            endpoint.refresh_from_db()
            assert endpoint.is_active == (hour < 24), hour
    assert endpoint.failing_since == T0
    assert "every attempt failed since" in endpoint.disabled_reason
    outbox_worker()
    assert len(smtp_server.messages) == 1


def test_a_success_resets_the_run_of_failures(receiver, endpoint_for, workspace_a, alice, settings):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.statuses = [500, 500, 200, 500, 500]
    endpoint_for(receiver.url())
    for name in ["A", "B", "C", "D", "E"]:
        contact_create(workspace=workspace_a, owner=alice, first_name=name)
    delivery.deliveries_deliver(
        delivery_ids=list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.is_active and endpoint.consecutive_failures == 2


def test_the_disabled_email_goes_to_every_admin(
    workspace_a, alice, bob, endpoint_for, smtp_server, outbox_worker
):
    Membership.objects.filter(user=bob).update(role=Membership.Role.ADMIN)
    endpoint = endpoint_for("http://127.0.0.1:9/hook")
    delivery.endpoint_disabled_notify(endpoint_id=endpoint.pk)
    outbox_worker()
    (message,) = smtp_server.messages
    assert sorted(message["To"].split(", ")) == ["alice@example.test", "bob@example.test"]


def test_the_switched_off_email_reaches_each_admin_in_their_language(
    endpoint_for, receiver, workspace_a, alice, bob, smtp_server, outbox_worker
):
    Membership.objects.filter(user=bob).update(role=Membership.Role.ADMIN)
    bob.language = "fr"
    bob.save(update_fields=["language"])
    endpoint = endpoint_for(receiver.url())
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="5 failed attempts in a row"
    )
    delivery.endpoint_disabled_notify(endpoint_id=endpoint.pk)
    assert outbox_worker() == {"sent": 2}

    by_reader = {message["To"]: message for message in smtp_server.messages}
    assert sorted(by_reader) == ["alice@example.test", "bob@example.test"]
    english, french = by_reader["alice@example.test"], by_reader["bob@example.test"]
    assert english["Subject"] == "A webhook of Acme was switched off"
    assert "5 failed attempts in a row" in english.get_content()
    assert french["Subject"] == "Un webhook de Acme a été désactivé"
    assert "5 tentatives échouées d\u2019affilée" in french.get_content()
