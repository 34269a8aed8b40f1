from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from accounts.models import AuditEvent, Workspace
from contacts.models import Contact
from contacts.services import contact_create
from privacy import tasks
from privacy.models import RetentionWarning
from privacy.services import retention

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

# conftest's FROZEN_AT: the clock every test of this module runs at (tasks read it too).
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _contact(workspace, owner, *, last_touch, name="Ada"):
    contact = contact_create(
        workspace=workspace, owner=owner, first_name=name, emails=[f"{name.lower()}@example.test"]
    )
    Contact.objects.filter(pk=contact.pk).update(last_interaction_at=last_touch)
    contact.refresh_from_db()
    return contact


@pytest.fixture
def due_in_5_days(workspace_a, alice):
    return _contact(
        workspace_a, alice, last_touch=NOW - relativedelta(months=24) + timedelta(days=5)
    )


@pytest.fixture
def due_next_month(workspace_a, alice):
    return _contact(workspace_a, alice, last_touch=NOW - relativedelta(months=23), name="Bea")


def _bodies(inbox):
    return [m.get_body(("plain",)).get_content() for m in inbox.messages]


def _deliver(outbox_worker, at=NOW):
    """The outbox's worker, at ``at``: the week of notice starts when the email is accepted."""
    with time_machine.travel(at, tick=False):
        return outbox_worker()


def test_it_warns_the_admins_once_seven_days_ahead(
    smtp_server, outbox_worker, bob, due_in_5_days, due_next_month
):
    assert retention.retention_run(now=NOW) == {"warned": 1, "anonymised": 0}
    assert retention.retention_run(now=NOW + timedelta(hours=1)) == {"warned": 0, "anonymised": 0}
    assert RetentionWarning.objects.get().sent_at is None  # queued, not yet accepted
    assert _deliver(outbox_worker) == {"sent": 1}

    (message,) = smtp_server.messages
    assert message["To"] == "alice@example.test"  # admins only, not Bob the recruiter
    body = _bodies(smtp_server)[0]
    assert "Ada" in body and "Bea" not in body
    assert f"/w/acme/privacy/contacts/{due_in_5_days.pk}/" in body
    warning = RetentionWarning.objects.get()
    assert warning.contact == due_in_5_days and warning.sent_at == NOW


def test_it_anonymises_a_week_after_the_warning_and_not_before(
    smtp_server, outbox_worker, due_in_5_days
):
    retention.retention_run(now=NOW)
    assert retention.retention_run(now=NOW + timedelta(days=8))["anonymised"] == 0  # not sent
    _deliver(outbox_worker)
    assert retention.retention_run(now=NOW + timedelta(days=5, hours=1))["anonymised"] == 0
    assert retention.retention_run(now=NOW + timedelta(days=7))["anonymised"] == 1
    due_in_5_days.refresh_from_db()
    assert due_in_5_days.first_name == "Anonymised" and due_in_5_days.emails == []
    event = AuditEvent.objects.get(action="anonymised")
    assert event.actor_id is None and event.object_id == due_in_5_days.pk
    # Anonymised people are not warned about or anonymised again.
    assert retention.retention_run(now=NOW + timedelta(days=30)) == {"warned": 0, "anonymised": 0}
    assert len(smtp_server.messages) == 1


def test_a_long_overdue_contact_still_gets_its_week_of_notice(
    smtp_server, outbox_worker, workspace_a, alice
):
    old = _contact(workspace_a, alice, last_touch=NOW - relativedelta(months=40))
    assert retention.retention_run(now=NOW) == {"warned": 1, "anonymised": 0}
    _deliver(outbox_worker)
    assert retention.retention_run(now=NOW + timedelta(days=6))["anonymised"] == 0
    assert retention.retention_run(now=NOW + timedelta(days=7))["anonymised"] == 1
    old.refresh_from_db()
    assert old.first_name == "Anonymised"


def test_a_new_interaction_after_the_warning_saves_the_contact(smtp_server, due_in_5_days):
    from followups.services import contact_record_interaction

    retention.retention_run(now=NOW)
    contact_record_interaction(contact=due_in_5_days, at=NOW + timedelta(days=1))
    assert retention.retention_run(now=NOW + timedelta(days=8))["anonymised"] == 0
    due_in_5_days.refresh_from_db()
    assert due_in_5_days.first_name == "Ada"


def test_it_follows_the_workspace_policy(smtp_server, workspace_a, due_in_5_days):
    retention.retention_policy_update(
        workspace=workspace_a, enabled=False, months=24, privacy_notice_url=""
    )
    assert retention.retention_run(now=NOW + timedelta(days=30)) == {"warned": 0, "anonymised": 0}
    retention.retention_policy_update(
        workspace=workspace_a, enabled=True, months=36, privacy_notice_url=""
    )
    assert retention.retention_run(now=NOW + timedelta(days=30)) == {"warned": 0, "anonymised": 0}
    assert smtp_server.messages == []


def test_personal_workspaces_are_left_alone(smtp_server, alice):
    personal = Workspace.objects.get(membership__user=alice, kind="personal")
    _contact(personal, alice, last_touch=NOW - relativedelta(months=50))
    assert retention.retention_run(now=NOW + timedelta(days=30)) == {"warned": 0, "anonymised": 0}


def test_a_refused_email_is_warned_again_next_time(smtp_server, outbox_worker, due_in_5_days):
    smtp_server.refuse_with = "554 No thanks"
    retention.retention_run(now=NOW)
    assert _deliver(outbox_worker) == {"failed": 1}
    assert RetentionWarning.objects.get().sent_at is None
    smtp_server.refuse_with = None
    assert retention.retention_run(now=NOW + timedelta(hours=1))["warned"] == 1
    assert _deliver(outbox_worker, NOW + timedelta(hours=1)) == {"sent": 1}
    assert len(smtp_server.messages) == 1
    # The clock of the week's notice starts when the email went, not when it was first tried.
    assert RetentionWarning.objects.get().sent_at == NOW + timedelta(hours=1)


def test_the_celery_task_runs_the_pass(smtp_server, outbox_worker, due_in_5_days):
    result = tasks.retention_apply.apply().get()
    assert result == {"warned": 1, "anonymised": 0}
    outbox_worker()
    assert len(smtp_server.messages) == 1


def test_the_beat_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention-apply"]
    assert entry["task"] == "privacy.tasks.retention_apply"
    assert entry["schedule"].hour == {2}
