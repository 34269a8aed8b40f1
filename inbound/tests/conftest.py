from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
import time_machine

from followups.tests.factories import ContactFactory
from inbound import services

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(request):
    if request.node.get_closest_marker("browser"):  # a real browser needs a real clock
        yield None
        return
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def drop(alice, workspace_a):
    return services.drop_address_rotate(user=alice, workspace=workspace_a)


@pytest.fixture
def maya(alice, workspace_a):
    return ContactFactory(
        workspace=workspace_a, owner=alice, first_name="Maya", emails=["maya@example.test"]
    )


def mail(
    *,
    sender="alice@example.test",
    to=("Maya Lin <maya@example.test>",),
    cc=(),
    bcc=(),
    subject="Thank you for your time",
    body="Hi Maya,\n\nThank you for the chat.",
    html="",
    message_id="<abc-123@mail.example.test>",
    date=NOW,
    headers=(),
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers:
        message[name] = value
    if html and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html:
            message.add_alternative(html, subtype="html")
    return message
