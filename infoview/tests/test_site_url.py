"""Links in mail name SITE_URL: the public address, or the one `make run` serves on."""

from accounts import services as account_services
from accounts.models import Membership
from followups.reminders import unsubscribe_url


def test_links_in_mail_use_site_url(settings, alice, workspace_a, smtp_server, outbox_worker):
    settings.SITE_URL = "http://127.0.0.1:8765"
    invitation = account_services.invitation_create(
        workspace=workspace_a,
        email="newcomer@example.test",
        role=Membership.Role.RECRUITER,
        invited_by=alice,
    )
    account_services.invitation_send(invitation=invitation)  # a resend reads the same
    assert outbox_worker() == {"sent": 2}
    for message in smtp_server.messages:
        body = message.get_body(("plain",)).get_content()
        assert f"http://127.0.0.1:8765{invitation.get_absolute_url()}" in body
        assert "127.0.0.1:8000" not in body
    assert unsubscribe_url(alice, workspace_a.slug).startswith("http://127.0.0.1:8765/w/acme/")
