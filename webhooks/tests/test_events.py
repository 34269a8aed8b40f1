"""Each service's change lands in the outbox for the endpoints that asked for it, and only them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contacts.importing import jobs as importing
from contacts.importing import run
from contacts.services import contact_archive, contact_create, contact_update
from followups.services import followup_done, followup_snooze
from followups.tests.factories import FollowUpFactory
from interviews.services import interview_cancel, interview_complete, interview_create
from privacy.services.erasure import contact_anonymise
from webhooks import services
from webhooks.models import Delivery, Endpoint, Event

ALL = [choice.value for choice in Event]


@pytest.fixture
def everything(endpoint_for):
    return endpoint_for("http://127.0.0.1:9/hook", events=ALL)


@pytest.fixture
def contact(workspace_a, alice):
    return contact_create(workspace=workspace_a, owner=alice, first_name="Ada")


def types():
    return list(Delivery.objects.order_by("pk").values_list("event_type", flat=True))


def test_contact_events(everything, workspace_a, alice):
    contact = contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    contact_update(contact=contact, by=alice, last_name="Lovelace")
    contact_archive(contact=contact)
    contact_archive(contact=contact)  # already archived: no news
    assert types() == ["contact.created", "contact.updated", "contact.archived"]
    updated = Delivery.objects.get(event_type="contact.updated")
    assert updated.payload["data"]["last_name"] == "Lovelace"
    assert updated.contact_id == contact.pk


def test_anonymisation_is_an_erasure_event(everything, contact, alice):
    contact_anonymise(contact=contact, actor=alice)
    erased = Delivery.objects.get(event_type="contact.erased")
    assert erased.payload["data"] == {"id": contact.pk, "workspace": "acme", "how": "anonymised"}


def test_interview_events(everything, contact, workspace_a, alice):
    later = timezone.now() + timedelta(days=2)
    planned = interview_create(workspace=workspace_a, owner=alice, contact=contact)
    assert "interview.scheduled" not in types(), "no time yet: not scheduled"
    from interviews.services import interview_update

    interview_update(interview=planned, starts_at=later)
    interview_update(interview=planned, starts_at=later + timedelta(hours=1))
    interview_cancel(interview=planned)
    held = interview_create(workspace=workspace_a, owner=alice, contact=contact, starts_at=later)
    interview_complete(interview=held, completed_at=held.ends_at)  # not before it took place
    interview_types = [t for t in types() if t.startswith("interview.")]
    assert interview_types == [
        "interview.scheduled",
        "interview.scheduled",
        "interview.cancelled",
        "interview.scheduled",
        "interview.completed",
    ]
    completed = Delivery.objects.get(event_type="interview.completed")
    assert completed.payload["data"]["status"] == "completed"
    assert completed.payload["data"]["contact_id"] == contact.pk


def test_followup_done_event(everything, contact, alice):
    followup = FollowUpFactory(contact=contact, owner=alice)
    followup_done(followup=followup)
    followup_done(followup=followup)  # already done: nothing new
    (done,) = Delivery.objects.filter(event_type="followup.done")
    assert done.payload["data"]["id"] == followup.pk
    assert done.payload["data"]["status"] == "done"


def test_followup_due_is_announced_once_when_the_time_comes(everything, contact, alice):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        assert services.followups_due_sweep() == 0  # the first sweep starts the cursor
        soon = FollowUpFactory(contact=contact, owner=alice, due_at=start + timedelta(minutes=5))
        snoozed = FollowUpFactory(contact=contact, owner=alice, due_at=start - timedelta(days=1))
        followup_snooze(followup=snoozed, until=start + timedelta(minutes=30))
        FollowUpFactory(
            contact=contact, owner=alice, due_at=start + timedelta(minutes=2), status="done"
        )

        clock.shift(timedelta(minutes=1))
        assert services.followups_due_sweep() == 0
        clock.shift(timedelta(minutes=5))
        assert services.followups_due_sweep() == 1
        assert services.followups_due_sweep() == 0, "the cursor moved on"
        clock.shift(timedelta(minutes=30))
        assert services.followups_due_sweep() == 1
    due = Delivery.objects.filter(event_type="followup.due").order_by("pk")
    assert [row.payload["data"]["id"] for row in due] == [soon.pk, snoozed.pk]
    assert due[1].payload["data"]["due_at"] == (start + timedelta(minutes=30)).isoformat()


def test_followup_due_costs_nothing_when_nobody_listens(endpoint_for, contact, alice):
    endpoint_for("http://127.0.0.1:9/hook", events=["contact.created"])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.followups_due_sweep()
        FollowUpFactory(contact=contact, owner=alice, due_at=start + timedelta(minutes=1))
        clock.shift(timedelta(minutes=2))
        assert services.followups_due_sweep() == 0
    assert not Delivery.objects.filter(event_type="followup.due").exists()


def test_import_finished_event(everything, workspace_a, alice):
    data = b"First Name,Last Name,Email Address\nAda,Lovelace,ada@engines.test\n"
    job = importing.import_upload(
        workspace=workspace_a, user=alice, filename="people.csv", data=data
    )
    if job.kind == "csv":
        importing.import_set_mapping(
            job=job,
            mapping={
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email Address": "emails",
            },
        )
    importing.import_start(job=job)
    run.import_run(job_id=job.pk)
    run.import_run(job_id=job.pk)  # run again: already finished, no second event
    (finished,) = Delivery.objects.filter(event_type="import.finished")
    assert finished.payload["data"]["id"] == job.pk
    assert finished.payload["data"]["created"] == 1


def test_only_subscribed_active_endpoints_of_the_workspace_get_the_event(
    endpoint_for, workspace_a, workspace_b, alice, charlie
):
    wants = endpoint_for("http://127.0.0.1:9/a", events=["contact.created"])
    endpoint_for("http://127.0.0.1:9/b", events=["contact.updated"])
    switched_off = endpoint_for("http://127.0.0.1:9/c", events=["contact.created"])
    Endpoint.objects.filter(pk=switched_off.pk).update(is_active=False)
    services.endpoint_create(
        workspace=workspace_b, url="http://127.0.0.1:9/d", events=["contact.created"], by=charlie
    )
    contact_create(workspace=workspace_a, owner=alice, first_name="Ada")
    assert list(Delivery.objects.values_list("endpoint_id", flat=True)) == [wants.pk]


def test_an_event_nobody_wants_costs_one_query(
    workspace_a, alice, django_assert_num_queries, contact
):
    from contacts import signals
    from contacts.models import Contact

    with django_assert_num_queries(1):
        signals.contact_updated.send(sender=Contact, contact=contact)
    assert not Delivery.objects.exists()


def test_the_test_event_goes_to_one_endpoint(endpoint_for):
    endpoint = endpoint_for("http://127.0.0.1:9/a", events=["contact.created"])
    endpoint_for("http://127.0.0.1:9/b", events=ALL)
    sent = services.endpoint_send_test(endpoint=endpoint)
    assert sent.event_type == "webhook.test" and sent.endpoint == endpoint
    assert Delivery.objects.count() == 1


def test_finished_deliveries_are_purged_after_the_log_period(everything, contact, settings):
    Delivery.objects.update(state=Delivery.State.DELIVERED)
    with time_machine.travel(timezone.now() + timedelta(days=settings.WEBHOOKS_LOG_DAYS + 1)):
        contact_update(contact=contact, by=None, last_name="Lovelace")  # pending: kept
        assert services.deliveries_purge() >= 1
    assert types() == ["contact.updated"]
