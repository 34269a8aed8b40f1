import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMessage, User
from followups import reminders, services
from followups.models import Reminder
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def due_thank_you(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Ada")
    interview = InterviewFactory(
        contact=contact,
        owner=alice,
        status="completed",
        completed_at=timezone.now() - timedelta(hours=25),
    )
    return services.followup_open_thank_you(interview=interview)


def _dispatch():
    ids = reminders.reminders_claim_due()
    return reminders.reminders_deliver(reminder_ids=ids)


def test_it_reminds_of_a_due_thank_you_once_with_an_unsubscribe_link(smtp_server, due_thank_you):
    assert _dispatch() == 1
    assert _dispatch() == 0

    [message] = smtp_server.messages
    assert message["To"] == "alice@example.test"
    assert message["Subject"] == f"Time to thank {due_thank_you.contact.full_name}"
    assert message.get_content_type() == "multipart/alternative"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.get_body(("plain",)).get_content()
    reminder = Reminder.objects.get(followup=due_thank_you)
    assert (reminder.state, reminder.message_id) == ("queued", message["Message-ID"])
    assert (reminder.outgoing.state, reminder.outgoing.repeatable) == ("sent", True)
    assert reminder.outgoing.kind == "reminder"


@pytest.mark.parametrize("earlier_state", ["pending", "sent"])
def test_a_reminder_whose_email_was_written_before_keeps_that_one(
    smtp_server, due_thank_you, earlier_state
):
    # Its key used already (written by an earlier run whose reminder update was lost, say): no
    # second row is written; the first is sent if it still waits, and never a second time.
    reminder = Reminder.objects.get(followup=due_thank_you)
    earlier = OutgoingMessage.objects.create(
        kind="reminder",
        idempotency_key=f"followups.reminder:{reminder.pk}",
        repeatable=True,
        from_email="infoview@example.test",
        to=["alice@example.test"],
        subject="The first one",
        body="Written before.",
        message_id="<first@example.test>",
        state=earlier_state,
    )

    assert _dispatch() == (1 if earlier_state == "pending" else 0)

    assert [m["Subject"] for m in smtp_server.messages] == (
        ["The first one"] if earlier_state == "pending" else []
    )
    assert OutgoingMessage.objects.get().pk == earlier.pk
    reminder.refresh_from_db()
    assert (reminder.state, reminder.outgoing_id) == ("queued", earlier.pk)
    assert reminder.message_id == "<first@example.test>"
    assert OutgoingMessage.objects.get().state == "sent"


def test_it_waits_until_the_reminder_is_due(smtp_server, alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    interview = InterviewFactory(
        contact=contact, owner=alice, status="completed", completed_at=timezone.now()
    )
    services.followup_open_thank_you(interview=interview)
    assert reminders.reminders_claim_due() == []


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.contact.__class__.objects.filter(pk=f.contact_id).update(
            archived_at=timezone.now()
        ),
        lambda f: User.objects.filter(pk=f.owner_id).update(reminder_preference="off"),
        lambda f: User.objects.filter(pk=f.owner_id).update(reminder_preference="digest"),
        lambda f: services.followup_done(followup=f),
    ],
    ids=["archived contact", "reminders off", "digest only", "already done"],
)
def test_it_never_sends_what_should_not_be_sent(smtp_server, due_thank_you, change):
    change(due_thank_you)
    _dispatch()
    assert smtp_server.messages == []
    assert not Reminder.objects.filter(followup=due_thank_you, state="queued").exists()
    assert not OutgoingMessage.objects.exists()


def test_an_erased_contact_takes_its_reminders_with_it(smtp_server, due_thank_you):
    due_thank_you.contact.delete()
    _dispatch()
    assert smtp_server.messages == []
    assert not Reminder.objects.exists()


def test_a_refused_reminder_is_retried_by_the_outbox(smtp_server, outbox_worker, due_thank_you):
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    assert _dispatch() == 0
    reminder = Reminder.objects.select_related("outgoing").get(followup=due_thank_you)
    assert reminder.state == "queued"
    assert (reminder.outgoing.state, reminder.outgoing.attempts) == ("pending", 1)
    assert reminder.outgoing.next_attempt_at > timezone.now()

    smtp_server.refuse_with = None
    OutgoingMessage.objects.filter(pk=reminder.outgoing_id).update(next_attempt_at=timezone.now())
    assert _dispatch() == 0  # the reminder is queued once; the outbox retries its email
    assert outbox_worker() == {"sent": 1}
    assert len(smtp_server.messages) == 1


def test_a_permanently_refused_reminder_is_failed_not_retried_for_ever(smtp_server, due_thank_you):
    smtp_server.refuse_with = "550 5.1.1 No such mailbox"
    _dispatch()
    outgoing = Reminder.objects.get(followup=due_thank_you).outgoing
    assert outgoing.state == "failed"
    assert "550 5.1.1" in outgoing.reason


def test_one_refused_reminder_does_not_hold_back_its_batch(smtp_server, alice, bob, workspace_a):
    for owner in (alice, bob):
        contact = ContactFactory(workspace=workspace_a, owner=owner)
        interview = InterviewFactory(
            contact=contact,
            owner=owner,
            status="completed",
            completed_at=timezone.now() - timedelta(hours=25),
        )
        services.followup_open_thank_you(interview=interview)
    smtp_server.refuse_recipients["alice@example.test"] = "550 5.1.1 No such user"
    assert _dispatch() == 1
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.test"]
    assert OutgoingMessage.objects.filter(state="failed").count() == 1


def test_each_reminder_of_a_batch_is_in_its_users_language_and_time_zone(
    smtp_server, alice, bob, workspace_a
):
    """A batch's reminders share their templates' rendering (issue 17): each message still
    has its own user's language, time, name and links, escaped in the HTML only."""
    User.objects.filter(pk=alice.pk).update(language="en", time_zone="America/New_York")
    User.objects.filter(pk=bob.pk).update(
        language="fr", time_zone="Europe/Paris", name="B&B<b> Bob"
    )
    for owner, first_name in [(alice, "Zoë"), (bob, "Ana"), (alice, "Léa")]:
        contact = ContactFactory(
            workspace=workspace_a, owner=owner, first_name=first_name, last_name="O'Brien & <Co>"
        )
        interview = InterviewFactory(
            contact=contact,
            owner=owner,
            status="completed",
            completed_at=timezone.now() - timedelta(hours=25),
        )
        services.followup_open_thank_you(interview=interview)
    assert _dispatch() == 3
    by_subject = {m["Subject"]: m for m in smtp_server.messages}
    assert sorted(by_subject) == [
        "Il est temps de remercier Ana O'Brien & <Co>",
        "Time to thank Léa O'Brien & <Co>",
        "Time to thank Zoë O'Brien & <Co>",
    ]
    french = by_subject["Il est temps de remercier Ana O'Brien & <Co>"]
    text = french.get_body(("plain",)).get_content()
    html = french.get_body(("html",)).get_content()
    assert "Bonjour B&B<b>," in text
    assert "Votre remerciement à Ana O'Brien & <Co> est à faire (mercredi 4 mars, 12:00)" in text
    assert "<p>Bonjour B&amp;B&lt;b&gt;,</p>" in html
    assert "Ana O&#x27;Brien &amp; &lt;Co&gt; est à faire (mercredi 4 mars, 12:00)" in html
    for subject, name in [("Time to thank Zoë O'Brien & <Co>", "Zoë")]:
        english = by_subject[subject]
        text = english.get_body(("plain",)).get_content()
        html = english.get_body(("html",)).get_content()
        assert f"Your thank-you to {name} O'Brien & <Co> is due (Wednesday 4 March, 06:00)" in text
        assert f"{name} O&#x27;Brien &amp; &lt;Co&gt; is due (Wednesday 4 March, 06:00)" in html
    for message in smtp_server.messages:
        reminder = Reminder.objects.get(message_id=message["Message-ID"])
        followup_url = f"{settings.SITE_URL}{reminder.followup.get_absolute_url()}"
        unsubscribe = message["List-Unsubscribe"].strip("<>")
        assert reminders.unsubscribe_user(urlsplit(unsubscribe).path.split("/")[-2]) == (
            reminder.user
        )
        assert f"{followup_url}\r\n" in message.get_body(("plain",)).get_content()
        assert f'<a href="{followup_url}">' in message.get_body(("html",)).get_content()
        assert f'<a href="{unsubscribe}">' in message.get_body(("html",)).get_content()


def test_the_unsubscribe_link_turns_reminders_off_in_one_click(client, alice):
    url = urlsplit(reminders.unsubscribe_url(alice, "acme")).path

    assert client.get(url).status_code == 200
    assert User.objects.get(pk=alice.pk).reminder_preference == "immediate"
    assert client.post(url).status_code == 200
    assert User.objects.get(pk=alice.pk).reminder_preference == "off"


def test_a_forged_unsubscribe_link_is_refused(client, alice):
    url = reverse("followups:unsubscribe", kwargs={"ws": "acme", "token": f"{alice.pk}:forged"})
    assert client.post(url).status_code == 404
    assert User.objects.get(pk=alice.pk).reminder_preference == "immediate"


def test_the_digest_lists_what_is_due_today(smtp_server, alice, workspace_a):
    london = zoneinfo.ZoneInfo("Europe/London")
    contact = ContactFactory(workspace=workspace_a, owner=alice, first_name="Bea")
    FollowUpFactory(contact=contact, owner=alice, title="Send the article", due_at=timezone.now())
    FollowUpFactory(
        contact=contact, owner=alice, title="Next month", due_at=timezone.now() + timedelta(days=30)
    )
    morning = datetime.combine(timezone.now().astimezone(london).date(), datetime.min.time())
    now = morning.replace(hour=8, minute=3, tzinfo=london)

    assert reminders.digests_schedule(now=now - timedelta(minutes=5)) == 0
    created = reminders.digests_schedule(now=now)
    assert created >= 1
    assert reminders.digests_schedule(now=now + timedelta(hours=3)) == 0
    ids = reminders.reminders_claim_due(now=now + timedelta(days=1))
    reminders.reminders_deliver(reminder_ids=ids)

    [message] = [m for m in smtp_server.messages if m["To"] == "alice@example.test"]
    text = message.get_body(("plain",)).get_content()
    assert "Send the article" in text
    assert "Next month" not in text
    assert message["List-Unsubscribe"]
    # True whenever it arrives: a digest sent late after an outage says no "Good morning".
    assert text.startswith("Hello Alice,")


def test_a_user_with_reminders_off_gets_no_digest(alice):
    User.objects.update(reminder_preference="off")
    assert reminders.digests_schedule() == 0


def test_the_due_query_uses_the_partial_index(alice, workspace_a):
    from django.db import connection

    sql, params = (
        Reminder.objects.filter(state="pending", next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values("pk")[:100]
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "followups_reminder_due_idx" in plan


def test_a_mail_clients_one_click_post_needs_no_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = urlsplit(reminders.unsubscribe_url(alice, "acme")).path
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).reminder_preference == "off"


def _due_thank_yous(alice, workspace_a, count):
    made = []
    for i in range(count):
        contact = ContactFactory(workspace=workspace_a, owner=alice, first_name=f"P{i}")
        interview = InterviewFactory(
            contact=contact,
            owner=alice,
            status="completed",
            completed_at=timezone.now() - timedelta(hours=25),
        )
        made.append(services.followup_open_thank_you(interview=interview))
    return made


@pytest.mark.parametrize("size", [3, 12])
def test_a_batch_is_queued_in_the_same_few_statements_whatever_its_size(
    size, alice, workspace_a, django_assert_max_num_queries
):
    followups = _due_thank_yous(alice, workspace_a, size)
    followups[0].status = "done"
    followups[0].save(update_fields=["status"])
    ids = reminders.reminders_claim_due()
    # The read with its lock, membership, the outbox INSERT, two updates (queued, cancelled),
    # and the savepoint and its release that the test's own transaction makes of its atomic.
    with django_assert_max_num_queries(7):
        outgoing, earlier = reminders._queue_batch(ids)
    assert len(outgoing) == size - 1 and earlier == []
    states = dict(Reminder.objects.values_list("followup_id", "state"))
    assert states.pop(followups[0].pk) == "cancelled"
    assert set(states.values()) == {"queued"}
    assert Reminder.objects.get(followup=followups[0]).reason == "closed"
    queued = Reminder.objects.filter(state="queued").select_related("outgoing")
    assert {(r.outgoing.idempotency_key, r.message_id) for r in queued} == {
        (f"followups.reminder:{r.pk}", r.outgoing.message_id) for r in queued
    }
    # Written already taken by this worker: sending, first attempt, leased, as returned.
    assert {(row.pk, row.state, row.attempts) for row in outgoing} == set(
        OutgoingMessage.objects.filter(
            state="sending", attempts=1, lease_until__isnull=False
        ).values_list("pk", "state", "attempts")
    )
    assert OutgoingMessage.objects.count() == size - 1
    # Run again (a redelivered task): nothing more is queued or written.
    assert reminders._queue_batch(ids) == ([], [])
    assert OutgoingMessage.objects.count() == size - 1
