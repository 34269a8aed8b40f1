"""Hostile input, project-wide: NUL bytes, debug pages, plain-text emails, the dev server."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import services
from accounts.models import Workspace
from infoview.run import child_environment


def _text_templates():
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [path for path in Path(settings.BASE_DIR).glob("*/templates") if path.is_dir()]
    return sorted(p for root in roots for p in root.rglob("*.txt"))


@pytest.mark.parametrize("path", _text_templates(), ids=lambda p: p.name)
def test_every_plain_text_template_turns_html_escaping_off(path):
    source = path.read_text()
    assert "{% autoescape off %}" in source, f"{path} would send &lt; and &amp; in plain text"
    assert source.rstrip().endswith("{% endautoescape %}")


def test_plain_text_emails_carry_the_characters_as_typed(db, alice, smtp_server, outbox_worker):
    team = Workspace.objects.get(slug="acme")
    team.name = "R&D <Research> 'Team'"
    team.save(update_fields=["name"])
    services.invitation_create(
        workspace=team, email="n@example.test", role="recruiter", invited_by=alice
    )
    assert outbox_worker() == {"sent": 1}
    [message] = smtp_server.messages
    assert "R&D <Research> 'Team'" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "R&D <Research> 'Team'" in text
    assert "&amp;" not in text and "&lt;" not in text
    html = message.get_body(("html",)).get_content()
    assert "R&amp;D &lt;Research&gt;" in html


def test_a_nul_byte_anywhere_is_a_clear_400(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home"), {"q": "a\x00b"}).status_code == 400
    response = client.post(reverse("accounts:settings"), {"name": "A\x00", "time_zone": "UTC"})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.name == "Alice Admin"


def test_the_debug_404_page_has_a_content_security_policy(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


def test_the_development_server_keeps_no_database_connection_between_requests(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    assert child_environment("web")["DATABASE_CONN_MAX_AGE"] == "0"
    assert child_environment("worker")["DATABASE_CONN_MAX_AGE"] == "60"
