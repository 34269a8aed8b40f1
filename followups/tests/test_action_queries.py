"""The one-click actions' queries, through the views: what a snooze or a note costs the database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp, Reminder
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _snooze(client, followup, days):
    url = reverse("followups:snooze", kwargs={"ws": "acme", "pk": followup.pk})
    return client.post(url, {"days": days})


def test_a_snooze_reads_the_row_once_and_locks_it_once(
    client, alice, workspace_a, django_assert_num_queries
):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    advice = FollowUpFactory(contact=contact, owner=alice, kind=FollowUp.Kind.ADVICE)
    warm_up = FollowUpFactory(contact=contact, owner=alice, kind=FollowUp.Kind.ADVICE)
    client.force_login(alice)
    _snooze(client, warm_up, 1)  # the session's first writes
    # The user and memberships, the follow-up in the workspace, locked again, saved (inside the
    # service's savepoint, a transaction outside tests): an advice has no reminder rows, and
    # neither the person, the conversation nor the owner is read.
    with django_assert_num_queries(7):
        assert _snooze(client, advice, 3).status_code == 302
    advice.refresh_from_db()
    assert advice.status == "snoozed"
    assert advice.snoozed_until - timezone.now() > timedelta(days=3) - timedelta(minutes=1)


def test_a_snoozed_thank_you_moves_its_reminder(
    client, alice, workspace_a, django_assert_num_queries
):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    interview = InterviewFactory(contact=contact, owner=alice)
    thanks = FollowUpFactory(
        contact=contact, owner=alice, interview=interview, kind=FollowUp.Kind.THANK_YOU
    )
    client.force_login(alice)
    _snooze(client, thanks, 1)  # the session's first writes, and a reminder in a day
    # As above, then the reminder rows in one statement: the pending one at the old time
    # cancelled, the one at the new time made (was four: the cancelling UPDATE, a SELECT, and
    # the INSERT in a savepoint of its own).
    with django_assert_num_queries(8):
        assert _snooze(client, thanks, 3).status_code == 302
    thanks.refresh_from_db()
    reminders = Reminder.objects.filter(followup=thanks)
    assert [r.due_at for r in reminders.filter(state="pending")] == [thanks.snoozed_until]
    assert reminders.filter(state="cancelled", reason="rescheduled").count() == 1
