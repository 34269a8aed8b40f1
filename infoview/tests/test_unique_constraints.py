"""Every unique constraint a page can run into answers with a form error, never a 500.

The test client re-raises a view's exception, so an IntegrityError fails the test.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contacts import services as contact_services
from contacts.models import Company, Tag
from followups.models import EmailTemplate, FollowUp
from interviews.models import Question

pytestmark = pytest.mark.django_db

NOW = timezone.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_contacts_company_unique_name_per_workspace(signed_in, workspace_a):
    Company.objects.create(workspace=workspace_a, name="Acme Labs")
    response = signed_in.post(
        reverse("contacts:company_create", kwargs={"ws": "acme"}), {"name": "ACME labs"}
    )
    assert response.status_code == 400
    assert Company.objects.filter(workspace=workspace_a).count() == 1


def test_contacts_company_unique_name_on_edit(signed_in, workspace_a):
    Company.objects.create(workspace=workspace_a, name="Acme Labs")
    other = Company.objects.create(workspace=workspace_a, name="Other")
    response = signed_in.post(
        reverse("contacts:company_edit", kwargs={"ws": "acme", "pk": other.pk}),
        {"name": "acme LABS"},
    )
    assert response.status_code == 400


def test_contacts_tag_unique_name_per_workspace(signed_in, workspace_a, alice):
    Tag.objects.create(workspace=workspace_a, name="Python")
    response = signed_in.post(
        reverse("contacts:create", kwargs={"ws": "acme"}),
        {"first_name": "T", "tag_names": "python, PYTHON, Go", "cadence_days": 90, "stage": "new"},
    )
    assert response.status_code == 302
    assert Tag.objects.filter(workspace=workspace_a, name__iexact="python").count() == 1
    assert Tag.objects.filter(workspace=workspace_a, name="Go").exists()


def test_interviews_question_unique_text(signed_in, workspace_a):
    url = reverse("interviews:bank_add", kwargs={"ws": "acme"})
    data = {"category": "motivation", "text": "What drives you?"}
    assert signed_in.post(url, data).status_code == 302
    response = signed_in.post(url, data)
    assert response.status_code == 400
    assert Question.objects.filter(workspace=workspace_a, text="What drives you?").count() == 1


def test_followups_template_unique_name(signed_in, workspace_a):
    url = reverse("followups:template_create", kwargs={"ws": "acme"})
    data = {"kind": "thank_you", "name": "Warm", "subject": "Hi", "body": "Thanks"}
    assert signed_in.post(url, data).status_code == 302
    assert signed_in.post(url, data).status_code == 400
    assert EmailTemplate.objects.filter(workspace=workspace_a, name="Warm").count() == 1


def test_followups_one_pending_keep_in_touch(signed_in, workspace_a, alice):
    contact = contact_services.contact_create(
        workspace=workspace_a, owner=alice, first_name="K", cadence_days=0
    )
    url = reverse("followups:create", kwargs={"ws": "acme"})
    due = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {"contact": contact.pk, "kind": "keep_in_touch", "title": "Ping", "due_at": due}
    assert signed_in.post(url, data).status_code == 302
    response = signed_in.post(url, data)
    assert response.status_code == 400
    assert "already" in response.text
    assert FollowUp.objects.filter(contact=contact, kind="keep_in_touch").count() == 1


def test_accounts_user_email_ci_unique(
    client, alice, smtp_server, outbox_worker, django_capture_on_commit_callbacks
):
    # Sign-up never says the address is taken (that would tell strangers who has an account):
    # it answers as for a new address, makes no second account and tells the owner by email.
    data = {
        "name": "A",
        "email": "ALICE@example.test",
        "password1": "a long unguessable passphrase",
        "password2": "a long unguessable passphrase",
        "time_zone": "Europe/London",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), data)
    assert (response.status_code, response.url) == (302, reverse("accounts:signup_sent"))
    assert User.objects.filter(email__iexact="alice@example.test").count() == 1
    assert outbox_worker() == {"sent": 1}
    [notice] = [m for m in smtp_server.messages if m["To"] == "alice@example.test"]
    assert "already has an account" in notice.get_body(("plain",)).get_content()
