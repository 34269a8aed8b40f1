"""Each provider's documented inbound payload, posted the way the provider posts it, through
anymail's webhook views, with the provider's authentication."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from inbound.models import InboundMessage, Refusal
from inbound.tests.conftest import NOW, mail

SECRET = "infoview:hook-secret"
SIGNING_KEY = "mailgun-signing-key"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def _webhooks_on(settings):
    settings.INBOUND_WEBHOOK_SECRET = SECRET
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
    }


def url(provider: str) -> str:
    return reverse(f"inbound_webhooks:{provider}_inbound_webhook")


# --- the providers' payload shapes ---------------------------------------------------------


MAILGUN_TOKEN = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"


def mailgun(drop, message, *, timestamp=None, token=MAILGUN_TOKEN):
    timestamp = str(int((timestamp or NOW).timestamp()))
    signature = hmac.new(
        SIGNING_KEY.encode(), (timestamp + token).encode(), hashlib.sha256
    ).hexdigest()
    # Mailgun's "forward()" route to a URL containing "mime": the raw message in body-mime.
    return {
        "recipient": drop.address,
        "sender": "alice@example.test",
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "body-mime": message.as_string(),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def postmark(drop, message):
    return {
        "FromName": "Alice Admin",
        "MessageStream": "inbound",
        "From": "alice@example.test",
        "FromFull": {"Email": "alice@example.test", "Name": "Alice Admin", "MailboxHash": ""},
        "To": "maya@example.test",
        "ToFull": [{"Email": "maya@example.test", "Name": "Maya Lin", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": drop.address,
        "BccFull": [{"Email": drop.address, "Name": "", "MailboxHash": ""}],
        "OriginalRecipient": drop.address,
        "Subject": str(message["Subject"]),
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": str(message["Date"]),
        "TextBody": message.get_body(("plain",)).get_content(),
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<alice@example.test>"},
            {"Name": "Received-SPF", "Value": "Pass (sender SPF authorized) identity=mailfrom"},
            {"Name": "Message-ID", "Value": str(message["Message-ID"])},
        ],
        "Attachments": [],
    }


def sendgrid(drop, message):
    # SendGrid's Inbound Parse, default (parsed) mode: multipart/form-data fields.
    head, _sep, _body = message.as_string().partition("\n\n")
    return {
        "headers": head,
        "dkim": "{@example.test : pass}",
        "to": "Maya Lin <maya@example.test>",
        "from": "Alice Admin <alice@example.test>",
        "text": message.get_body(("plain",)).get_content(),
        "sender_ip": "192.0.2.10",
        "envelope": json.dumps({"to": [drop.address], "from": "alice@example.test"}),
        "attachments": "0",
        "subject": str(message["Subject"]),
        "charsets": json.dumps(
            {"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8", "text": "utf-8"}
        ),
        "SPF": "pass",
    }


def amazon_ses(drop, message, *, spf="PASS", dkim="PASS"):
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": NOW.isoformat().replace("+00:00", "Z"),
            "source": "alice@example.test",
            "messageId": "jili9m351il3gkburn7o2f0u6788stij94c8ld01",
            "destination": [drop.address],
            "headersTruncated": False,
            "commonHeaders": {"from": ["alice@example.test"], "subject": str(message["Subject"])},
        },
        "receipt": {
            "timestamp": NOW.isoformat().replace("+00:00", "Z"),
            "processingTimeMillis": 240,
            "recipients": [drop.address],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": spf},
            "dkimVerdict": {"status": dkim},
            "dmarcVerdict": {"status": "PASS"},
            "action": {
                "type": "SNS",
                "topicArn": "arn:aws:sns:us-east-1:111122223333:SES-inbound",
                "encoding": "BASE64",
            },
        },
        "content": base64.b64encode(bytes(message)).decode(),
    }
    return {
        "Type": "Notification",
        "MessageId": "8f6dd6e5-5a7e-5f6a-a9e5-1c4cf5d1b9c4",
        "TopicArn": "arn:aws:sns:us-east-1:111122223333:SES-inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": NOW.isoformat().replace("+00:00", "Z"),
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }


def brevo(drop, message):
    return {
        "items": [
            {
                "Uuid": ["f4f2aa54-8ab6-4a3c-9bf6-4ab0f3b6fa2c"],
                "MessageId": str(message["Message-ID"]),
                "InReplyTo": None,
                "From": {"Name": "Alice Admin", "Address": "alice@example.test"},
                "To": [{"Name": "Maya Lin", "Address": "maya@example.test"}],
                "Cc": None,
                "ReplyTo": None,
                "SentAtDate": str(message["Date"]),
                "Subject": str(message["Subject"]),
                "Attachments": [],
                "Headers": {
                    "Message-ID": str(message["Message-ID"]),
                    "From": "Alice Admin <alice@example.test>",
                    "To": "Maya Lin <maya@example.test>",
                    "Subject": str(message["Subject"]),
                    "Date": str(message["Date"]),
                    "Delivered-To": drop.address,
                    "Return-Path": "<alice@example.test>",
                },
                "SpamScore": 0.1,
                "ExtractedMarkdownMessage": "Hi Maya",
                "ExtractedMarkdownSignature": None,
                "RawHtmlBody": "",
                "RawTextBody": message.get_body(("plain",)).get_content(),
            }
        ]
    }


def post(client, provider, payload, **extra):
    if provider in ("mailgun", "sendgrid"):
        path = url(provider) if provider == "sendgrid" else "/inbound/mailgun/inbound_mime/"
        return client.post(path, payload, **extra)
    headers = {}
    if provider == "amazon_ses":
        headers = {
            "HTTP_X_AMZ_SNS_MESSAGE_TYPE": payload["Type"],
            "HTTP_X_AMZ_SNS_MESSAGE_ID": payload["MessageId"],
        }
    return client.post(
        url(provider), json.dumps(payload), content_type="application/json", **headers, **extra
    )


PROVIDERS = {
    "mailgun": mailgun,
    "postmark": postmark,
    "sendgrid": sendgrid,
    "amazon_ses": amazon_ses,
    "brevo": brevo,
}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider_logs_the_mail(client, drop, maya, provider):
    payload = PROVIDERS[provider](drop, mail())
    response = post(client, provider, payload, **AUTH)
    assert response.status_code == 200, response.content
    logged = InboundMessage.objects.get()
    assert list(logged.contacts.all()) == [maya]
    assert logged.subject == "Thank you for your time"
    assert "Thank you for the chat" in logged.excerpt
    assert logged.channel.startswith("webhook:")


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider_without_the_secret_is_refused(client, drop, maya, provider):
    payload = PROVIDERS[provider](drop, mail())
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"infoview:wrong").decode()}
    response = post(client, provider, payload, **wrong)
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_the_same_message_by_webhook_and_by_smtp_is_logged_once(client, drop, maya):
    from inbound import services

    assert post(client, "postmark", postmark(drop, mail()), **AUTH).status_code == 200
    outcome = services.inbound_receive_bytes(
        raw=bytes(mail()), channel="smtp", envelope_recipients=[drop.address]
    )
    assert outcome.status == "duplicate"
    assert InboundMessage.objects.count() == 1


def test_a_bad_mailgun_signature_is_refused(client, drop, maya):
    payload = mailgun(drop, mail())
    payload["signature"] = "0" * 64
    assert post(client, "mailgun", payload, **AUTH).status_code == 400
    assert not InboundMessage.objects.exists()


def test_a_replayed_or_stale_mailgun_post_is_refused(client, drop, maya, _frozen):
    payload = mailgun(drop, mail())
    assert post(client, "mailgun", payload, **AUTH).status_code == 200
    replay = post(client, "mailgun", payload, **AUTH)
    assert replay.status_code == 400
    assert b"replayed" in replay.content
    stale = mailgun(
        drop, mail(message_id="<new@x>"), timestamp=NOW - timedelta(hours=1), token="t2"
    )
    assert post(client, "mailgun", stale, **AUTH).status_code == 400
    assert InboundMessage.objects.count() == 1
    assert Refusal.objects.filter(reason=Refusal.Reason.REPLAYED).count() == 2


def test_amazon_ses_spf_and_dkim_failures_are_dropped(client, drop, maya):
    payload = amazon_ses(drop, mail(), spf="FAIL", dkim="FAIL")
    assert post(client, "amazon_ses", payload, **AUTH).status_code == 200  # dropped, not retried
    assert not InboundMessage.objects.exists()
    assert Refusal.objects.get().reason == Refusal.Reason.AUTHENTICATION


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        ("postmark", "{not json"),
        ("postmark", json.dumps({"FromFull": 3, "Headers": "x"})),
        ("brevo", json.dumps({"items": [{"Headers": 5}]})),
        ("amazon_ses", json.dumps({"Type": "Notification", "MessageId": "m", "Message": "[1"})),
    ],
)
def test_unreadable_payloads_get_400_never_500(client, drop, provider, body):
    headers = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification", "HTTP_X_AMZ_SNS_MESSAGE_ID": "m"}
    response = client.post(url(provider), body, content_type="application/json", **AUTH, **headers)
    assert response.status_code == 400


def test_a_25_mb_post_is_refused_before_it_is_read(client, drop):
    payload = postmark(drop, mail())
    payload["TextBody"] = "x" * (25 * 1024 * 1024)
    response = post(client, "postmark", payload, **AUTH)
    assert response.status_code == 413
    assert Refusal.objects.get().reason == Refusal.Reason.TOO_LARGE


def test_webhooks_are_off_until_a_secret_is_set(client, drop, settings):
    settings.INBOUND_WEBHOOK_SECRET = ""
    assert post(client, "postmark", postmark(drop, mail())).status_code == 404
