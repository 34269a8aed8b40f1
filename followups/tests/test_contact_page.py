"""What follow-ups put on a contact's page: the timeline's entries and the next keep-in-touch.

Both come from one query of the contact's follow-ups (followups/timeline.py).
"""

from datetime import timedelta

from django.urls import reverse

from followups.models import FollowUp
from followups.tests.factories import ContactFactory, FollowUpFactory


def _page(client, user, contact):
    client.force_login(user)
    response = client.get(reverse("contacts:detail", kwargs={"ws": "acme", "pk": contact.pk}))
    assert response.status_code == 200
    return response


def test_the_next_keep_in_touch_is_the_pending_one(client, alice, workspace_a, frozen_clock):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    keep = FollowUp.Kind.KEEP_IN_TOUCH
    soonest = FollowUpFactory(contact=contact, kind=keep, due_at=frozen_clock + timedelta(days=9))
    FollowUpFactory(  # done: not next, though due earlier
        contact=contact,
        kind=keep,
        due_at=frozen_clock + timedelta(days=2),
        status=FollowUp.Status.DONE,
        done_at=frozen_clock,
    )
    FollowUpFactory(contact=contact, title="Send the slides", due_at=frozen_clock)  # not keep

    response = _page(client, alice, contact)

    [fact] = [f for f in response.context["facts"] if f.label == "Next keep-in-touch"]
    assert fact.url == soonest.get_absolute_url()
    assert fact.at.date() == (frozen_clock + timedelta(days=9)).date()
    kinds = sorted(entry.kind for entry in response.context["timeline"] if "followup" in entry.kind)
    assert kinds == ["followup_done", "followup_due", "followup_due"]
    assert "Due: Send the slides" in response.text


def test_no_pending_keep_in_touch_says_none_planned(client, alice, workspace_a, frozen_clock):
    contact = ContactFactory(workspace=workspace_a, owner=alice)
    FollowUpFactory(contact=contact, title="Send the slides", due_at=frozen_clock)

    response = _page(client, alice, contact)

    [fact] = [f for f in response.context["facts"] if f.label == "Next keep-in-touch"]
    assert (fact.value, fact.url) == ("none planned", "")
