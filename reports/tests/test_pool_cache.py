"""The talent pool's ranking is kept in the shared cache under the workspace's data version:
a write through the pages shows in the next search at once."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from contacts.models import Contact
from interviews.models import Interview
from reports.models import Opening
from reports.tests.factories import AssessmentFactory, ContactFactory, InterviewFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
ROW = re.compile(
    r'<th scope="row"><a href="[^"]*">([^<]*)</a>(?: <span class="badge[^"]*">([^<]*))?'
)


@pytest.fixture
def opening(team, alice):
    return Opening.objects.create(
        workspace=team, title="Data engineer", skills=["python"], created_by=alice
    )


def _assessed(ws, owner, name, skills, scores=(4, 4, 4), stage=""):
    contact = ContactFactory(workspace=ws, owner=owner, first_name=name, stage=stage)
    interview = InterviewFactory(
        contact=contact,
        owner=owner,
        status=Interview.Status.COMPLETED,
        starts_at=datetime(2026, 2, 5, 10, tzinfo=UTC),
    )
    AssessmentFactory(
        interview=interview,
        skills=skills,
        passion=scores[0],
        motivation=scores[1],
        cultural_fit=scores[2],
    )
    return contact, interview


def _pool(client, opening, **params):
    """The people of the pool as the page lists them: (name, stage label)."""
    response = client.get(opening.get_absolute_url(), params)
    assert response.status_code == 200
    return [(name.split()[0], stage) for name, stage in ROW.findall(response.content.decode())]


def test_an_assessment_saved_shows_in_the_next_search(client, alice, team, opening):
    _assessed(team, alice, "Ada", ["python"], (5, 5, 4))
    _eve, interview = _assessed(team, alice, "Eve", ["design"], (3, 3, 3))
    client.force_login(alice)
    assert _pool(client, opening) == [("Ada", "")]
    assert _pool(client, opening) == [("Ada", "")]  # now from the cache
    url = reverse("interviews:assessment", kwargs={"ws": team.slug, "pk": interview.pk})
    client.post(url, {"passion": 5, "motivation": 5, "cultural_fit": 5, "skills": "python, go"})
    assert _pool(client, opening) == [("Eve", ""), ("Ada", "")]
    assert _pool(client, opening, skills="go") == [("Eve", "")]
    client.post(url, {"passion": 2, "motivation": 2, "cultural_fit": 2, "skills": "python"})
    assert _pool(client, opening, skills="python", min_score="3") == [("Ada", "")]


def test_a_stage_change_and_an_archived_person_show_in_the_next_search(
    client, alice, team, opening
):
    ada, _interview = _assessed(team, alice, "Ada", ["python"], stage=Contact.Stage.NEW)
    _assessed(team, alice, "Ben", ["python"], (3, 3, 3))
    client.force_login(alice)
    assert _pool(client, opening) == [("Ada", "New"), ("Ben", "")]
    assert _pool(client, opening) == [("Ada", "New"), ("Ben", "")]
    client.post(
        reverse("contacts:bulk_stage", kwargs={"ws": team.slug}),
        {"ids": [ada.pk], "stage": Contact.Stage.HIRED},
    )
    assert _pool(client, opening) == [("Ada", "Hired"), ("Ben", "")]
    client.post(reverse("contacts:archive", kwargs={"ws": team.slug, "pk": ada.pk}))
    assert _pool(client, opening) == [("Ben", "")]


def test_the_shortlist_shows_at_once_beside_the_cached_pool(client, alice, team, opening):
    ada, _interview = _assessed(team, alice, "Ada", ["python"])
    client.force_login(alice)
    add = reverse("reports:shortlist_add", kwargs={"ws": team.slug, "pk": opening.pk})
    assert f'name="contact" value="{ada.pk}"' in client.get(opening.get_absolute_url()).text
    client.post(add, {"contact": ada.pk})
    page = client.get(opening.get_absolute_url()).text
    assert f'name="contact" value="{ada.pk}"' not in page
    assert '<span class="text-success small">Shortlisted</span>' in page
