"""The SMTP receiver: a real aiosmtpd server, a real SMTP client."""

import smtplib
import subprocess
import sys
import time

import pytest
from django.db import connection

from inbound import smtp
from inbound.models import InboundMessage, Refusal
from inbound.smtp import controller
from inbound.tests.conftest import mail
from infoview.net import free_port


@pytest.fixture
def receiver(transactional_db, settings):
    server = controller("127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


def _client(server):
    return smtplib.SMTP(server.hostname, server.port, timeout=30)


def test_it_logs_mail_sent_to_a_drop_address(receiver, drop, maya):
    with _client(receiver) as client:
        refused = client.sendmail("alice@example.test", [drop.address], bytes(mail()))
    assert refused == {}
    logged = InboundMessage.objects.get()
    assert (logged.channel, list(logged.contacts.all())) == ("smtp", [maya])


def test_it_takes_only_addresses_of_its_domain(receiver, drop):
    with _client(receiver) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("alice@example.test", ["someone@example.test"], bytes(mail()))


def test_a_forged_sender_is_dropped_without_a_bounce(receiver, drop, maya):
    with _client(receiver) as client:
        client.sendmail("m@example.test", [drop.address], bytes(mail(sender="m@example.test")))
    assert not InboundMessage.objects.exists()
    assert Refusal.objects.get().reason == Refusal.Reason.SENDER


def test_a_25_mb_message_is_refused(receiver, drop):
    raw = bytes(mail(body="x" * (25 * 1024 * 1024)))
    refusals = (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)  # at MAIL FROM's SIZE, or after
    with _client(receiver) as client, pytest.raises(refusals) as error:
        client.sendmail("alice@example.test", [drop.address], raw)
    assert error.value.smtp_code == 552
    assert not InboundMessage.objects.exists()


def test_the_command_serves_until_stopped(transactional_db):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "inbound_smtp", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                    assert client.noop()[0] == 250
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the receiver never answered")
        process.terminate()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()


def _other_sessions(ignored: frozenset = frozenset()) -> set[int]:
    """Client sessions on this test database other than the test's own and ``ignored`` (those
    open before the server started: the live server of earlier browser tests keeps one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()} - ignored


def test_it_keeps_a_connection_between_messages_and_closes_it_when_stopped(
    transactional_db, drop, maya
):
    before = frozenset(_other_sessions())
    server = controller("127.0.0.1", free_port())
    server.start()
    try:
        with _client(server) as client:
            for number in range(3):
                message = mail(message_id=f"<kept-{number}@example.test>")
                client.sendmail("alice@example.test", [drop.address], bytes(message))
        assert InboundMessage.objects.count() == 3
        # One connection per thread used, kept for the next message: not one per message.
        assert 1 <= len(_other_sessions(before)) <= smtp.THREADS
    finally:
        server.stop()
    # Stopped: none left open (a test database could not be dropped, a server not restarted).
    deadline = time.monotonic() + 5
    while _other_sessions(before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _other_sessions(before) == set()
