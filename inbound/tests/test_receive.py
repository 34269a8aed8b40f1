"""From a message to the timeline: matching, suppression, thank-yous, duplicates, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.timeline import timeline_for
from followups.models import FollowUp
from inbound import services
from inbound.models import InboundMessage, Refusal, UnknownAddress
from inbound.tests.conftest import NOW, mail
from interviews import services as interview_services
from interviews.tests.factories import make_interview
from privacy.services.erasure import contact_erase


def receive(message, drop, **kwargs):
    return services.inbound_receive_bytes(
        raw=bytes(message), channel="test", envelope_recipients=[drop.address], **kwargs
    )


def test_it_logs_the_mail_on_each_persons_timeline(drop, maya, workspace_a, alice):
    from followups.tests.factories import ContactFactory

    sam = ContactFactory(workspace=workspace_a, emails=["sam@example.test", "s@x.test"])
    sent = NOW - timedelta(hours=2)
    outcome = receive(
        mail(to=["Maya <MAYA@example.test>"], cc=["sam@example.test"], date=sent), drop
    )
    assert outcome.status == "logged"
    logged = InboundMessage.objects.get()
    assert set(logged.contacts.all()) == {maya, sam}
    assert (logged.subject, logged.sent_at, logged.direction) == (
        "Thank you for your time",
        sent,
        InboundMessage.Direction.SENT,
    )
    assert logged.excerpt == "Hi Maya, Thank you for the chat."
    [entry] = [e for e in timeline_for(maya) if e.kind == "email"]
    assert entry.title == "Emailed “Thank you for your time”"
    assert entry.at == sent
    maya.refresh_from_db()
    assert maya.last_interaction_at == sent  # keep-in-touch starts again from the email


def test_it_moves_the_keep_in_touch_follow_up(drop, maya):
    from followups import services as followup_services

    maya.last_interaction_at = NOW - timedelta(days=200)
    maya.save()
    followup_services.keep_in_touch_reschedule(contact=maya)
    before = FollowUp.objects.get(contact=maya, kind=FollowUp.Kind.KEEP_IN_TOUCH, status="open")
    assert before.due_at < NOW  # overdue
    receive(mail(), drop)
    after = FollowUp.objects.get(contact=maya, kind=FollowUp.Kind.KEEP_IN_TOUCH, status="open")
    assert after.due_at == NOW + timedelta(days=maya.cadence_days)


def test_mail_after_a_completed_interview_is_the_thank_you(drop, maya, alice, workspace_a):
    interview = make_interview(
        workspace=workspace_a, owner=alice, contact=maya, starts_in=-timedelta(days=2)
    )
    interview_services.interview_complete(interview=interview, completed_at=NOW - timedelta(days=1))
    thank_you = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.is_pending
    receive(mail(), drop)
    thank_you.refresh_from_db()
    assert thank_you.status == FollowUp.Status.DONE
    assert thank_you.channel == FollowUp.Channel.EMAIL
    assert thank_you.message_id == "<abc-123@mail.example.test>"
    assert thank_you.done_at == NOW


def test_mail_long_after_the_interview_is_not_the_thank_you(drop, maya, alice, workspace_a):
    interview = make_interview(
        workspace=workspace_a, owner=alice, contact=maya, starts_in=-timedelta(days=31)
    )
    interview_services.interview_complete(
        interview=interview, completed_at=NOW - timedelta(days=30)
    )
    receive(mail(), drop)
    thank_you = FollowUp.objects.get(interview=interview, kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.is_pending


def test_unknown_addresses_are_listed_and_erased_people_never(drop, maya, alice):
    erased = maya.__class__.objects.create(
        workspace=maya.workspace, first_name="Gone", emails=["gone@example.test"]
    )
    contact_erase(contact=erased, actor=alice)
    receive(
        mail(
            to=["maya@example.test", "Nora Stone <nora@example.test>"],
            cc=["gone@example.test"],
        ),
        drop,
    )
    [unknown] = UnknownAddress.objects.all()
    assert (unknown.email, unknown.name) == ("nora@example.test", "Nora Stone")
    assert not InboundMessage.objects.filter(contacts__emails__contains=["gone@example.test"])
    # Seen again: counted, not listed twice.
    receive(mail(to=["nora@example.test"], message_id="<other@x>"), drop)
    unknown.refresh_from_db()
    assert unknown.seen_count == 2


def test_adding_an_unknown_address_makes_a_contact_through_the_service(drop, alice):
    receive(mail(to=["Nora Stone <nora@example.test>"]), drop)
    unknown = UnknownAddress.objects.get()
    contact = services.unknown_address_add(unknown=unknown, by=alice)
    assert (contact.first_name, contact.last_name, contact.emails) == (
        "Nora",
        "Stone",
        ["nora@example.test"],
    )
    contact.refresh_from_db()
    assert contact.search_text  # the contact service filled the search columns
    assert services.unknown_address_add(unknown=unknown, by=alice) is None  # once


def test_the_same_message_is_logged_once(drop, maya):
    assert receive(mail(), drop).status == "logged"
    assert receive(mail(), drop).status == "duplicate"
    assert InboundMessage.objects.count() == 1
    # Without a Message-ID, the same message still counts as the same one.
    assert receive(mail(message_id=""), drop).status == "logged"
    assert receive(mail(message_id=""), drop).status == "duplicate"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sender": "mallory@example.test"}, Refusal.Reason.SENDER),
        ({"sender": "alice@example.test, mallory@example.test"}, Refusal.Reason.SENDER),
        (
            {"headers": [("Authentication-Results", "mx.example.test; spf=fail; dkim=fail")]},
            Refusal.Reason.AUTHENTICATION,
        ),
        ({"to": [f"p{n}@example.test" for n in range(500)]}, Refusal.Reason.RECIPIENTS),
    ],
    ids=["forged-from", "two-froms", "spf-dkim-fail", "500-recipients"],
)
def test_it_drops_and_counts(drop, maya, change, reason):
    outcome = receive(mail(**change), drop)
    assert (outcome.status, outcome.reason) == ("refused", reason)
    assert not InboundMessage.objects.exists()
    assert not UnknownAddress.objects.exists()
    assert Refusal.objects.get().reason == reason


def test_a_provider_pass_is_enough(drop, maya):
    headers = [("Authentication-Results", "mx.example.test; spf=softfail; dkim=pass")]
    assert receive(mail(headers=headers), drop).status == "logged"


def test_mail_to_no_drop_address_is_counted(drop, maya):
    outcome = services.inbound_receive_bytes(
        raw=bytes(mail()), channel="test", envelope_recipients=["log-nobody@inbound.localhost"]
    )
    assert outcome.reason == Refusal.Reason.UNKNOWN_ADDRESS
    services.drop_address_rotate(user=drop.user, workspace=drop.workspace)
    assert receive(mail(), drop).reason == Refusal.Reason.UNKNOWN_ADDRESS  # rotated: dead


def test_html_only_mail_with_scripts_keeps_no_markup(drop, maya):
    html = (
        "<html><head><script>alert('x')</script><style>p{}</style></head>"
        "<body><p>Thanks &amp; <b>see you</b></p><img src=x onerror=alert(1)>"
        "<script>steal()</script></body></html>"
    )
    receive(mail(body="", html=html), drop)
    logged = InboundMessage.objects.get()
    assert logged.excerpt == "Thanks & see you"
    receive(mail(body="a <script>x()</script> b", message_id="<2@x>"), drop)
    excerpt = InboundMessage.objects.get(message_id="<2@x>").excerpt
    assert "<" not in excerpt and "script" not in excerpt


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage without headers",
        b"From: =?utf-8?b?####?= <alice@example.test>\r\nTo: maya@example.test\r\n"
        b'Content-Type: multipart/mixed; boundary="nope\r\n\r\n--nope\r\nbroken',
        b"From: alice@example.test\r\nTo: maya@example.test\r\nDate: not a date\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe",
    ],
    ids=["empty", "garbage", "broken-multipart", "bad-charset"],
)
def test_malformed_mime_is_logged_once_or_refused_never_raises(drop, maya, raw):
    first = services.inbound_receive_bytes(
        raw=raw, channel="test", envelope_recipients=[drop.address]
    )
    second = services.inbound_receive_bytes(
        raw=raw, channel="test", envelope_recipients=[drop.address]
    )
    assert first.status in {"logged", "refused"}
    assert second.status in {"duplicate", "refused"}
    assert InboundMessage.objects.count() <= 1


def test_a_25_mb_message_is_refused_unread(drop, maya):
    raw = bytes(mail(body="x" * (25 * 1024 * 1024)))
    outcome = services.inbound_receive_bytes(
        raw=raw, channel="test", envelope_recipients=[drop.address]
    )
    assert (outcome.status, outcome.reason) == ("refused", Refusal.Reason.TOO_LARGE)


def test_a_future_date_is_read_as_now(drop, maya):
    receive(mail(date=NOW + timedelta(days=40)), drop)
    assert InboundMessage.objects.get().sent_at == timezone.now()
