"""Followups hears interviews and contacts through signals and registries, connected once."""

from django.apps import apps

from contacts import timeline
from contacts.signals import interaction_happened
from interviews import timeline as interview_timeline
from interviews.signals import interview_completed


def _uids(signal):
    return [key[0] for key, *_rest in signal.receivers]


def test_it_connects_its_receivers_and_sources_once_even_when_ready_runs_again():
    apps.get_app_config("followups").ready()
    apps.get_app_config("interviews").ready()

    assert _uids(interview_completed).count("followups.open_thank_you") == 1
    assert _uids(interaction_happened).count("followups.contact_record_interaction") == 1
    assert timeline._providers.count(interview_timeline.entries_for) == 1
