from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from contacts.signals import interaction_happened
from contacts.timeline import timeline_for
from followups import selectors, services
from followups.models import FollowUp, Reminder
from followups.tests.factories import ContactFactory, FollowUpFactory, InterviewFactory
from interviews.models import Interview

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def test_it_opens_one_thank_you_per_interview_due_after_the_workspace_delay(alice, workspace_a):
    workspace_a.thank_you_delay_hours = 36
    workspace_a.save()
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    completed = timezone.now() - timedelta(hours=1)
    interview = InterviewFactory(
        contact=contact, owner=alice, status=Interview.Status.COMPLETED, completed_at=completed
    )

    first = services.followup_open_thank_you(interview=interview)
    again = services.followup_open_thank_you(interview=interview)

    assert first.pk == again.pk
    assert first.kind == FollowUp.Kind.THANK_YOU
    # Due after the conversation ended (its slot's end), not after it was marked done.
    assert first.due_at == interview.ends_at + timedelta(hours=36)
    assert first.owner == alice
    reminder = Reminder.objects.get(followup=first)
    assert (reminder.user, reminder.due_at, reminder.state) == (alice, first.due_at, "pending")


def test_it_moves_the_keep_in_touch_to_last_interaction_plus_cadence(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=30)
    at = timezone.now() - timedelta(days=2)
    contact.last_interaction_at = at

    created = services.keep_in_touch_reschedule(contact=contact)
    contact.last_interaction_at = at + timedelta(days=1)
    moved = services.keep_in_touch_reschedule(contact=contact)

    assert created.pk == moved.pk
    assert moved.due_at == at + timedelta(days=31)
    assert FollowUp.objects.filter(contact=contact, kind="keep_in_touch").count() == 1


def test_an_interaction_announced_by_contacts_moves_the_keep_in_touch(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, cadence_days=30)
    at = timezone.now() - timedelta(days=3)

    interaction_happened.send(sender=Contact, contact=contact, at=at)
    interaction_happened.send(sender=Contact, contact=contact, at=at - timedelta(days=5))

    contact.refresh_from_db()
    assert contact.last_interaction_at == at
    keep = FollowUp.objects.get(contact=contact, kind="keep_in_touch")
    assert keep.due_at == at + timedelta(days=30)
    assert "followup_due" in [entry.kind for entry in timeline_for(contact)]


def test_it_opens_no_keep_in_touch_for_an_archived_contact(alice, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice, archived_at=timezone.now())
    assert services.keep_in_touch_reschedule(contact=contact) is None
    assert not FollowUp.objects.filter(contact=contact).exists()


def test_the_feed_lists_only_the_users_pending_followups(alice, bob, workspace_a):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    mine = FollowUpFactory(contact=contact, owner=alice)
    FollowUpFactory(contact=contact, owner=alice, status=FollowUp.Status.DONE)
    FollowUpFactory(contact=contact, owner=bob)

    assert list(selectors.followups_for_feed(user=alice)) == [mine]
