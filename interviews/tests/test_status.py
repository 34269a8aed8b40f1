from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups.models import FollowUp
from interviews import services
from interviews.models import Interview
from interviews.tests.factories import make_interview

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def held(workspace_a, alice, contact):
    """An interview that took place an hour ago (a future one cannot be completed)."""
    return make_interview(
        workspace=workspace_a, owner=alice, contact=contact, starts_in=-timedelta(hours=1)
    )


def test_completing_logs_the_interaction_and_opens_the_thank_you(client, alice, held, url):
    client.force_login(alice)
    response = client.post(url("complete", pk=held.pk))
    assert response.status_code == 302
    held.refresh_from_db()
    held.contact.refresh_from_db()
    assert held.status == Interview.Status.COMPLETED
    assert held.completed_at is not None
    assert held.contact.last_interaction_at == held.completed_at
    thank_you = FollowUp.objects.get(interview=held, kind=FollowUp.Kind.THANK_YOU)
    assert thank_you.due_at == held.ends_at + timedelta(hours=24)
    assert thank_you.status == FollowUp.Status.OPEN


def test_completing_twice_is_refused_and_opens_one_thank_you(alice, held):
    services.interview_complete(interview=held, completed_at=timezone.now())
    with pytest.raises(ValidationError):
        services.interview_complete(interview=held, completed_at=timezone.now())
    assert FollowUp.objects.filter(interview=held).count() == 1


def test_completion_is_all_or_nothing(alice, held, monkeypatch):
    import followups.services

    def broken(**kwargs):
        raise RuntimeError("follow-ups are down")

    monkeypatch.setattr(followups.services, "followup_open_thank_you", broken)
    with pytest.raises(RuntimeError):
        services.interview_complete(interview=held, completed_at=timezone.now())
    held.refresh_from_db()
    held.contact.refresh_from_db()
    assert held.status == Interview.Status.SCHEDULED
    assert held.contact.last_interaction_at is None


def test_cancelling_records_when_and_why(client, alice, interview, url):
    client.force_login(alice)
    client.post(url("cancel", pk=interview.pk), {"reason": "  They moved abroad "})
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    assert interview.cancelled_at is not None
    assert interview.status_reason == "They moved abroad"
    assert interview.sequence == 1


def test_a_no_show_records_when_and_why(client, alice, interview, url):
    client.force_login(alice)
    client.post(url("no_show", pk=interview.pk), {"reason": "No answer"})
    interview.refresh_from_db()
    assert interview.status == Interview.Status.NO_SHOW
    assert interview.no_show_at is not None
    assert interview.status_reason == "No answer"
    assert not FollowUp.objects.filter(interview=interview).exists()


def test_a_cancelled_interview_cannot_be_completed(client, alice, interview, url):
    services.interview_cancel(interview=interview, reason="")
    client.force_login(alice)
    response = client.post(url("complete", pk=interview.pk), follow=True)
    assert "This interview is already cancelled." in response.text
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED


def test_status_changes_need_post(client, alice, interview, url):
    client.force_login(alice)
    assert client.get(url("complete", pk=interview.pk)).status_code == 405
