"""The outbox's states, against a real SMTP server (aiosmtpd) that can refuse, drop or stall."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingMessage
from accounts.outbox import delivery, message_queue
from infoview.net import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
State = OutgoingMessage.State


def _queue(to="ada@example.test", **options) -> OutgoingMessage:
    message = EmailMessage(subject="Hello", body="Body text\n.\nafter a lone dot", to=[to])
    return message_queue(message=message, kind=options.pop("kind", "test"), **options)


def _row(row) -> OutgoingMessage:
    return OutgoingMessage.objects.get(pk=row.pk)


def _use_smtp(settings, port, timeout=5):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


def test_it_sends_and_records_the_reply(smtp_server):
    row = _queue()
    assert row.state == State.PENDING
    assert delivery.messages_deliver(ids=[row.pk]) == {"sent": 1}
    row = _row(row)
    assert row.state == State.SENT
    assert row.last_reply.startswith("250")
    assert row.attempts == 1 and row.sent_at is not None
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id
    assert "\n.\r\nafter a lone dot" in message.get_content()  # dot-stuffed, then unstuffed
    assert [entry["event"] for entry in row.log] == ["queued", "sent"]


def test_it_does_not_send_a_row_twice(smtp_server):
    row = _queue()
    delivery.messages_deliver(ids=[row.pk])
    assert delivery.messages_deliver(ids=[row.pk, row.pk]) == {}
    assert len(smtp_server.messages) == 1


def test_it_queues_the_delivery_only_when_the_transaction_commits(
    smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(delivery, "_queue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        row = _queue()
        assert queued == []
    assert queued == [[row.pk]]
    assert smtp_server.messages == []  # the caller never talks to the mail server


def test_the_same_idempotency_key_makes_one_message(smtp_server):
    first = _queue(idempotency_key="form-1")
    second = _queue(idempotency_key="form-1")
    assert first.pk == second.pk
    assert OutgoingMessage.objects.count() == 1


def test_a_permanent_refusal_fails_the_row_at_once(smtp_server):
    smtp_server.refuse_with = "550 5.1.1 Mailbox unavailable"
    row = _queue()
    delivery.messages_deliver(ids=[row.pk])
    row = _row(row)
    assert row.state == State.FAILED
    assert "550 5.1.1 Mailbox unavailable" in row.reason
    assert row.attempts == 1


def test_a_temporary_refusal_is_retried_with_backoff_then_given_up(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    row = _queue()
    delivery.messages_deliver(ids=[row.pk])
    row = _row(row)
    assert row.state == State.PENDING
    assert row.reason.startswith("Will retry: end of DATA: 451")
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    for _attempt in range(2):
        OutgoingMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        delivery.messages_deliver(ids=[row.pk])
    row = _row(row)
    assert row.state == State.FAILED
    assert row.reason.startswith("Gave up after 3 attempts")
    assert [entry["event"] for entry in row.log] == ["queued", "retry", "retry", "failed"]


def test_one_bad_recipient_does_not_hold_back_its_batch(smtp_server):
    smtp_server.refuse_recipients["nobody@example.test"] = "550 5.1.1 No such user"
    rows = [_queue("a@example.test"), _queue("nobody@example.test"), _queue("c@example.test")]
    counts = delivery.messages_deliver(ids=[row.pk for row in rows])
    assert counts == {"sent": 2, "failed": 1}
    assert [_row(row).state for row in rows] == [State.SENT, State.FAILED, State.SENT]
    assert "RCPT TO: 550 5.1.1 No such user" in _row(rows[1]).reason


def test_a_malformed_address_fails_without_talking_to_the_server(smtp_server):
    row = _queue("not an address <a@b>, <c@d>")
    delivery.messages_deliver(ids=[row.pk])
    assert _row(row).state == State.FAILED
    assert _row(row).reason.startswith("Refused: bad address")


def test_a_refused_connection_is_retried(settings):
    _use_smtp(settings, free_port())
    row = _queue()
    assert delivery.messages_deliver(ids=[row.pk]) == {"retry": 1}
    row = _row(row)
    assert row.state == State.PENDING
    assert row.reason.startswith("Will retry: connect: ConnectionRefusedError")


def test_a_connection_lost_after_data_is_unknown_and_a_thank_you_is_never_resent(smtp_server):
    smtp_server.drop_after_data = True
    row = _queue(kind="followup")
    assert delivery.messages_deliver(ids=[row.pk]) == {"unknown": 1}
    row = _row(row)
    assert row.state == State.UNKNOWN
    assert row.reason.startswith("No answer after the message text")
    assert len(smtp_server.messages) == 1  # it did arrive: that is why it is not resent
    smtp_server.drop_after_data = False
    later = timezone.now() + timedelta(days=1)
    assert delivery.messages_sweep(now=later)["resent"] == 0
    assert delivery.messages_claim_due(now=later) == []
    assert _row(row).state == State.UNKNOWN


def test_a_repeatable_unknown_is_resent_once_after_the_delay(smtp_server, settings):
    smtp_server.drop_after_data = True
    row = _queue(kind="reminder", repeatable=True)
    delivery.messages_deliver(ids=[row.pk])
    assert _row(row).state == State.UNKNOWN
    soon = timezone.now() + timedelta(seconds=settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS - 5)
    assert delivery.messages_sweep(now=soon)["resent"] == 0
    later = soon + timedelta(seconds=10)
    assert delivery.messages_sweep(now=later)["resent"] == 1
    row = _row(row)
    assert (row.state, row.resent) == (State.PENDING, True)
    # Ambiguous again: this time it stays unknown.
    delivery.messages_deliver(ids=[row.pk])
    assert _row(row).state == State.UNKNOWN
    assert delivery.messages_sweep(now=later + timedelta(days=1))["resent"] == 0
    assert len(smtp_server.messages) == 2
    assert {m["Message-ID"] for m in smtp_server.messages} == {row.message_id}


def test_a_timeout_after_data_is_unknown_not_a_retry(smtp_server, settings):
    port = settings.MAILERS["default"]["OPTIONS"]["port"]
    _use_smtp(settings, port, timeout=0.5)
    smtp_server.answer_after = 1.5
    row = _queue(kind="followup")
    assert delivery.messages_deliver(ids=[row.pk]) == {"unknown": 1}
    assert "after DATA" in _row(row).last_reply


def test_a_row_left_sending_is_settled_by_the_sweep_by_how_far_it_got():
    before, after = _queue(), _queue()
    now = timezone.now()
    OutgoingMessage.objects.filter(pk=before.pk).update(
        state=State.SENDING, lease_until=now - timedelta(seconds=1)
    )
    OutgoingMessage.objects.filter(pk=after.pk).update(
        state=State.SENDING, lease_until=now - timedelta(seconds=1), data_sent_at=now
    )
    assert delivery.messages_sweep(now=now) == {"requeued": 1, "unknown": 1, "resent": 0}
    assert _row(before).state == State.PENDING
    assert _row(after).state == State.UNKNOWN
    assert "may have arrived" in _row(after).reason


def test_a_row_within_its_lease_is_left_to_its_worker():
    row = _queue()
    now = timezone.now()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        state=State.SENDING, lease_until=now + timedelta(seconds=30)
    )
    assert delivery.messages_sweep(now=now) == {"requeued": 0, "unknown": 0, "resent": 0}
    assert delivery.messages_claim_due(now=now) == []


def test_the_claim_pushes_rows_one_lease_ahead():
    row = _queue()
    now = timezone.now() + timedelta(seconds=1)
    assert delivery.messages_claim_due(now=now) == [row.pk]
    assert delivery.messages_claim_due(now=now) == []
    assert delivery.messages_claim_due(now=now + delivery.CLAIM_LEASE) == [row.pk]


def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError
    assert OutgoingMessage.objects.count() == 0


def _page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("workspace:outbox", kwargs={"ws": "acme"}) + query)


def test_admins_see_every_email_with_its_reason_and_last_reply(
    client, alice, workspace_a, smtp_server
):
    smtp_server.refuse_with = "550 5.1.1 Mailbox unavailable"
    row = _queue(workspace=workspace_a)
    delivery.messages_deliver(ids=[row.pk])
    page = _page(client, alice).text
    assert 'data-outgoing-state="failed"' in page
    assert "Refused: end of DATA: 550 5.1.1 Mailbox unavailable" in page
    assert 'data-state-count="failed">1<' in page
    assert "Refused" not in _page(client, alice, "?state=sent").text


def test_members_who_are_not_admins_are_refused_and_other_workspaces_hidden(
    client, bob, charlie, workspace_a
):
    _queue(workspace=workspace_a, to="secret@example.test")
    assert _page(client, bob).status_code == 403
    assert _page(client, charlie).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_the_page_costs_the_same_queries_at_any_size(
    client, alice, workspace_a, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        _queue(workspace=workspace_a)
    client.force_login(alice)
    url = reverse("workspace:outbox", kwargs={"ws": "acme"})
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_an_answer_recorded_late_wins_over_the_sweeps_guess(smtp_server, monkeypatch):
    """The database was away past the lease: the sweep said unknown; the worker heard 250."""
    row = _queue(kind="reminder", repeatable=True)
    real_apply = delivery._apply

    def database_back_late(taken, outcome, now):
        later = timezone.now() + timedelta(minutes=5)
        assert delivery.messages_sweep(now=later)["unknown"] == 1
        assert delivery.messages_sweep(now=later + timedelta(hours=1))["resent"] == 1
        real_apply(taken, outcome, now)

    monkeypatch.setattr(delivery, "_apply", database_back_late)
    delivery.messages_deliver(ids=[row.pk])
    row = _row(row)
    assert row.state == State.SENT
    assert delivery.messages_claim_due(now=timezone.now() + timedelta(days=1)) == []
    assert len(smtp_server.messages) == 1


def test_a_row_whose_worker_keeps_dying_before_data_is_failed_in_the_end(settings):
    row = _queue()
    now = timezone.now()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        state=State.SENDING,
        attempts=settings.OUTBOX_MAX_ATTEMPTS,
        lease_until=now - timedelta(seconds=1),
    )
    delivery.messages_sweep(now=now)
    row = _row(row)
    assert row.state == State.FAILED
    assert "the worker kept stopping" in row.reason


def test_a_row_whose_lease_ran_out_in_its_batch_is_not_sent_by_the_late_worker(
    smtp_server, settings, monkeypatch
):
    """A batch's rows share one lease: one swept back to pending before its turn came is left
    to whoever takes it next, never sent by both. (Rows of a kind marked one at a time.)"""
    first = _queue("a@example.test", kind="thank_you")
    second = _queue("b@example.test", kind="thank_you")
    real_apply = delivery._apply

    def lease_runs_out_after_the_first(taken, outcome, now):
        real_apply(taken, outcome, now)
        if taken.pk == first.pk:
            later = timezone.now() + timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS + 1)
            assert delivery.messages_sweep(now=later)["requeued"] == 1

    monkeypatch.setattr(delivery, "_apply", lease_runs_out_after_the_first)
    delivery.messages_deliver(ids=[first.pk, second.pk])
    assert [m["To"] for m in smtp_server.messages] == ["a@example.test"]
    assert (_row(first).state, _row(second).state) == (State.SENT, State.PENDING)
    assert _row(second).data_sent_at is None


def _later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def test_a_row_marked_ahead_whose_lease_ran_out_is_not_sent_by_the_late_worker(
    smtp_server, settings, monkeypatch
):
    """Repeatable rows are marked a few at a time. One marked ahead whose lease ran out before
    its turn came (the worker stalled) is settled by the sweep as ``unknown``; the late worker
    checks again before its text and leaves it, and its one resend delivers it once."""
    first = _queue("a@example.test", kind="reminder", repeatable=True)
    second = _queue("b@example.test", kind="reminder", repeatable=True)
    real_apply = delivery._apply
    stalled = _later(settings.OUTBOX_SEND_LEASE_SECONDS + 1)

    def stall_after_the_first(taken, outcome, now):
        real_apply(taken, outcome, now)
        if taken.pk == first.pk:
            assert _row(second).data_sent_at is not None  # marked with the first
            stalled.start()
            assert delivery.messages_sweep() == {"requeued": 0, "unknown": 1, "resent": 0}

    monkeypatch.setattr(delivery, "_apply", stall_after_the_first)
    try:
        assert delivery.messages_deliver(ids=[first.pk, second.pk]) == {"sent": 1, "retry": 1}
        assert [m["To"] for m in smtp_server.messages] == ["a@example.test"]
        assert (_row(first).state, _row(second).state) == (State.SENT, State.UNKNOWN)
        with _later(settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS + 1):
            assert delivery.messages_sweep()["resent"] == 1
            monkeypatch.setattr(delivery, "_apply", real_apply)
            assert delivery.messages_deliver(ids=[second.pk]) == {"sent": 1}
    finally:
        stalled.stop()
    assert [m["To"] for m in smtp_server.messages] == ["a@example.test", "b@example.test"]
    assert _row(second).state == State.SENT


class _Killed(BaseException):
    """The worker's process ending mid-batch (SIGKILL): nothing after it runs."""


def test_a_worker_killed_mid_group_leaves_the_rows_marked_ahead_unknown_sent_once(
    smtp_server, settings, monkeypatch
):
    """A crash after a group's mark leaves rows marked whose text never left: the sweep calls
    them ``unknown`` (never back to ``pending`` unmarked), and their one resend delivers each
    exactly once."""
    rows = [_queue(f"p{i}@example.test", kind="reminder", repeatable=True) for i in range(4)]
    real_apply = delivery._apply

    def killed_after_the_first(taken, outcome, now):
        real_apply(taken, outcome, now)
        raise _Killed

    monkeypatch.setattr(delivery, "_apply", killed_after_the_first)
    with pytest.raises(_Killed):
        delivery.messages_deliver(ids=[row.pk for row in rows])
    monkeypatch.setattr(delivery, "_apply", real_apply)
    assert [_row(row).data_sent_at is not None for row in rows] == [True] * 4
    with _later(settings.OUTBOX_SEND_LEASE_SECONDS + 1):
        assert delivery.messages_sweep() == {"requeued": 0, "unknown": 3, "resent": 0}
        with _later(settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS + 1):
            assert delivery.messages_sweep()["resent"] == 3
            assert delivery.messages_deliver(ids=[row.pk for row in rows]) == {"sent": 3}
    arrived = sorted(m["To"] for m in smtp_server.messages)
    assert arrived == [f"p{i}@example.test" for i in range(4)]  # each once
    assert {_row(row).state for row in rows} == {State.SENT}


def test_repeatable_rows_are_marked_in_groups_and_others_alone(smtp_server, monkeypatch):
    """One wait for the disk for up to MARK_GROUP reminders; a thank-you between them is
    marked alone, just before its text, and a group never reaches past it."""
    monkeypatch.setattr(delivery, "MARK_GROUP", 3)
    kinds = [True, True, True, True, False, True, True]
    rows = [
        _queue(f"p{i}@example.test", kind="reminder" if r else "thank_you", repeatable=r)
        for i, r in enumerate(kinds)
    ]
    events, recording = _record_marks_and_texts(monkeypatch)
    with recording:
        assert delivery.messages_deliver(ids=[row.pk for row in rows]) == {"sent": 7}
    marks = [params[2] for kind, *rest in events if kind == "mark" for _sql, params, _ in [rest]]
    pks = [row.pk for row in rows]
    assert marks == [pks[0:3], pks[3:4], pks[4:5], pks[5:7]]


def test_messages_are_built_byte_for_byte_as_with_the_smtp_policy():
    """The outbox's policy remembers parsed headers; what it writes must not change."""
    from email.policy import SMTP

    from accounts.outbox import transmit

    def build(to, subject):
        message = EmailMessage(
            subject=subject,
            body="Zoë's body, long enough " * 10,
            to=[to],
            headers={
                "Message-ID": "<x@example.test>",
                "Date": "Mon, 30 Nov 2026 08:00:00 +0000",
                "List-Unsubscribe": "<https://example.test/" + "u" * 90 + "/>",
            },
        )
        return message.message(policy=SMTP).as_bytes(), message.message(
            policy=transmit.SMTP_POLICY
        ).as_bytes()

    for to, subject in [("Zoë <z@example.test>", "Merci, Zoë"), ("z@example.test", "Hi")] * 2:
        plain, remembered = build(to, subject)
        # One difference, on purpose: a long List-Unsubscribe URL stays a URL (below).
        unsubscribe = "List-Unsubscribe: <https://example.test/" + "u" * 90 + "/>\r\n"
        assert unsubscribe.encode() in remembered
        assert unsubscribe.encode() not in plain
        assert remembered.replace(unsubscribe.encode(), b"") == re.sub(
            rb"List-Unsubscribe: [^\r]*\r\n(?: [^\r]*\r\n)*", b"", plain
        )


@pytest.mark.parametrize(
    "subject",
    [
        "Time to thank Ada",
        "Time to thank Ada O'Brien (Acme & Co.) <ceo>",
        "S" * 68,  # the longest kept as it is: 77 characters with "Subject: "
        "S" * 69,
        "Two  spaces",
        " Leading space",
        "Trailing space ",
        "An =?utf-8?q?encoded?= word",
        "Time to thank Zoë",
        "Tab\there",
        " ".join(["Word"] * 20),  # folded onto two lines
    ],
)
@pytest.mark.parametrize(
    "message_id",
    [
        "<reminder-12@example.org>",
        "<176.1.2@infoview.example.test>",
        "<a..b@example.org>",
        "<not an id>",
        "<" + "x" * 70 + "@example.org>",
    ],
)
def test_headers_written_as_they_are_match_the_standard_library(subject, message_id):
    """Subject, Message-ID and Date skip the header parser when the standard library would
    write them unchanged (issue 17): the bytes must be the same as its, whatever the value."""
    from datetime import UTC, datetime
    from email.policy import SMTP

    from accounts.outbox import transmit

    message = EmailMessage(
        subject=subject,
        body="Body",
        to=["a@example.test"],
        headers={"Message-ID": message_id, "Date": datetime(2026, 11, 30, 8, 0, 5, 123, UTC)},
    )
    assert (
        message.message(policy=transmit.SMTP_POLICY).as_bytes()
        == message.message(policy=SMTP).as_bytes()
    )


def test_every_part_reaches_the_server_whatever_the_boundary(smtp_server, outbox_worker):
    """Messages share one boundary per worker (issue 17): a multipart in a multipart, or a part
    that happens to contain it, still arrives whole, each multipart with a boundary of its own."""
    import email
    import email.policy

    from django.core.mail import EmailMultiAlternatives

    from accounts.outbox import transmit

    nasty = f"A line that is the boundary:\n--{transmit._BOUNDARY}\nand after it"
    for body, attach in [("Plain text", True), (nasty, False), ("Plain text", False)]:
        message = EmailMultiAlternatives(subject="Parts", body=body, to=["a@example.test"])
        message.attach_alternative("<p>HTML</p>", "text/html")
        if attach:
            message.attach("notes.txt", "attached text", "text/plain")
        message_queue(message=message, kind="test")
    outbox_worker()
    received = [
        email.message_from_bytes(
            e.content if isinstance(e.content, bytes) else e.content.encode(),
            policy=email.policy.SMTP,
        )
        for e in smtp_server.envelopes
    ]
    with_attachment, with_boundary_in_body, plain = received
    assert [p.get_content_type() for p in with_attachment.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/plain",
    ]
    boundaries = [p.get_boundary() for p in with_attachment.walk() if p.is_multipart()]
    assert len(set(boundaries)) == 2
    assert with_boundary_in_body.get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        nasty + "\n"
    )
    assert with_boundary_in_body.get_boundary() != transmit._BOUNDARY
    assert plain.get_boundary() == transmit._BOUNDARY
    assert plain.get_body(("html",)).get_content().strip() == "<p>HTML</p>"


def test_a_long_unsubscribe_url_reaches_the_server_as_a_url(smtp_server, outbox_worker):
    """Python's email folds a URL longer than a line into RFC 2047 encoded words, which mail
    clients do not decode in List-Unsubscribe: one-click unsubscribe would break."""
    url = "https://infoview.example.test/followups/unsubscribe/" + "AbC123" * 12 + "/"
    message = EmailMessage(
        subject="Time to thank Ada",
        body="Body",
        to=["a@example.test"],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message_queue(message=message, kind="reminder", repeatable=True)
    outbox_worker()
    [envelope] = smtp_server.envelopes
    raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
    assert f"List-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"=?utf-8?" not in raw


@pytest.mark.django_db(transaction=True)
def test_records_lost_with_a_database_crash_are_written_again_by_the_worker(
    smtp_server, monkeypatch
):
    """Mid-batch records are committed without waiting for the disk: PostgreSQL crashing can
    lose them. The worker, still knowing them, writes them again on its new connection."""
    from django.db import connection

    first = _queue("a@example.test", kind="reminder", repeatable=True)
    second = _queue("b@example.test", kind="reminder", repeatable=True)
    real_apply = delivery._apply
    crashed = []

    def crash_after_the_first(taken, outcome, now):
        real_apply(taken, outcome, now)
        if taken.pk == first.pk and not crashed:
            crashed.append(True)
            # What a crash leaves: the take (on disk), not the record written since.
            OutgoingMessage.objects.filter(pk=first.pk).update(
                state=State.SENDING, sent_at=None, data_sent_at=None, log=taken.log[:1]
            )
            connection.close()

    monkeypatch.setattr(delivery, "_apply", crash_after_the_first)
    assert delivery.messages_deliver(ids=[first.pk, second.pk]) == {"sent": 2}
    assert (_row(first).state, _row(second).state) == (State.SENT, State.SENT)
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_a_lost_record_the_sweep_called_unknown_meanwhile_is_written_again(
    smtp_server, settings, monkeypatch
):
    """The database crashed after the first row's outcome (not yet on disk), and came back
    after the row's lease: the sweep calls it unknown and queues its one resend. The worker,
    which heard the server's 250, writes that instead of the guess: the resend never goes."""
    from django.db import connection

    first = _queue("a@example.test", kind="reminder", repeatable=True)
    second = _queue("b@example.test", kind="reminder", repeatable=True)
    real_apply = delivery._apply
    crashed = []
    resend_delay = timedelta(seconds=settings.OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS + 1)
    away = _later(settings.OUTBOX_SEND_LEASE_SECONDS + 1 + resend_delay.total_seconds())

    def crash_after_the_first(taken, outcome, now):
        real_apply(taken, outcome, now)
        if taken.pk == first.pk and not crashed:
            crashed.append(True)
            # What the crash leaves: the group's mark (on disk), not the outcome since.
            marked = _row(second)
            OutgoingMessage.objects.filter(pk=first.pk).update(
                state=State.SENDING, sent_at=None, log=taken.log[:1], lease_until=marked.lease_until
            )
            away.start()  # the database comes back after the lease and the resend delay
            assert delivery.messages_sweep(now=timezone.now() - resend_delay)["unknown"] == 2
            assert delivery.messages_sweep()["resent"] == 2
            # Django still holds the connection, closed under it: InterfaceError, not
            # DatabaseError, on the next statement.
            connection.connection.close()

    monkeypatch.setattr(delivery, "_apply", crash_after_the_first)
    try:
        assert delivery.messages_deliver(ids=[first.pk, second.pk]) == {"sent": 1, "retry": 1}
    finally:
        away.stop()
    assert _row(first).state == State.SENT  # what the worker heard, not the sweep's guess
    assert _row(second).state == State.PENDING  # its one resend: never sent yet
    assert delivery.messages_deliver(ids=[first.pk, second.pk]) == {"sent": 1}
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@example.test", "b@example.test"]


def _record_marks_and_texts(monkeypatch):
    """What reaches PostgreSQL and the SMTP server, in order: each data mark (its SQL and
    parameters, and whether it was a transaction of its own) and each message text as it
    leaves (its Message-ID)."""
    from django.db import connection

    from accounts.outbox import transmit

    events = []
    real_dot_stuff = transmit._dot_stuff

    def text_leaves(data):
        events.append(("text", re.search(rb"Message-ID: (<[^>]+>)", data).group(1).decode()))
        return real_dot_stuff(data)

    def record(execute, sql, params, many, context):
        if "SET data_sent_at" in sql:
            own = context["connection"].get_autocommit() and not connection.in_atomic_block
            events.append(("mark", sql, params, own))
        return execute(sql, params, many, context)

    monkeypatch.setattr(transmit, "_dot_stuff", text_leaves)
    return events, connection.execute_wrapper(record)


def _marks_of(row, events) -> list:
    return [e for e in events if e[0] == "mark" and row.pk in e[2][2]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("repeatable", [True, False], ids=["reminder", "thank-you"])
def test_every_data_mark_is_on_disk_before_its_text_leaves(smtp_server, repeatable, monkeypatch):
    """A mark lost in a crash of PostgreSQL would make a sent row look never sent, and the sweep
    would send it again unmarked (the exactly-once drill saw 5 such reminders): each
    ``data_sent_at`` is committed, with ``synchronous_commit`` on, before its text leaves."""
    rows = [_queue(f"p{i}@example.test", kind="reminder", repeatable=repeatable) for i in range(3)]
    events, recording = _record_marks_and_texts(monkeypatch)
    with recording:
        assert delivery.messages_deliver(ids=[row.pk for row in rows]) == {"sent": 3}
    texts = [message_id for kind, message_id, *_ in events if kind == "text"]
    assert texts == [row.message_id for row in rows]
    for row in rows:
        leaves = events.index(("text", row.message_id))
        [(_, sql, _params, own)] = _marks_of(row, events[:leaves])
        # A statement in autocommit, a transaction of its own: committed when it returns, and
        # its commit waits for the disk.
        assert own
        assert "set_config('synchronous_commit', 'on', true)" in sql
        assert _row(row).data_sent_at is not None
    # Reminders marked together, one wait for the disk; a thank-you alone, just before its text.
    assert len([e for e in events if e[0] == "mark"]) == (1 if repeatable else 3)
