from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from followups.models import FollowUp
from reports.models import Opening, ShortlistEntry
from reports.tests.factories import AssessmentFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def _assessed(ws, owner, name, when, skills, scores=(4, 4, 4), future=False, stage=""):
    contact = ContactFactory(workspace=ws, owner=owner, first_name=name, stage=stage)
    interview = InterviewFactory(
        contact=contact, owner=owner, starts_at=datetime(*when, tzinfo=UTC)
    )
    AssessmentFactory(
        interview=interview,
        skills=skills,
        passion=scores[0],
        motivation=scores[1],
        cultural_fit=scores[2],
        consider_for_future=future,
    )
    return contact


@pytest.fixture
def opening(workspace_a, alice):
    return Opening.objects.create(
        workspace=workspace_a, title="Data engineer", skills=["python", "sql"], created_by=alice
    )


@pytest.fixture
def pool(workspace_a, alice, bob):
    return {
        "ada": _assessed(
            workspace_a,
            alice,
            "Ada",
            (2026, 1, 5),
            ["python", "spark"],
            (5, 5, 4),
            True,
            "promising",
        ),
        "ben": _assessed(workspace_a, bob, "Ben", (2026, 2, 5), ["sql"], (3, 4, 2)),
        "cy": _assessed(workspace_a, bob, "Cy", (2026, 2, 6), ["design"], (5, 5, 5), True),
        "dee": ContactFactory(workspace=workspace_a, owner=alice, first_name="Dee"),
    }


def _detail(client, user, opening, **params):
    client.force_login(user)
    url = reverse("reports:opening_detail", kwargs={"ws": opening.workspace.slug, "pk": opening.pk})
    return client.get(url, params)


def test_a_recruiter_creates_an_opening_with_skills_as_tags(client, bob, workspace_a):
    client.force_login(bob)
    response = client.post(
        reverse("reports:opening_create", kwargs={"ws": workspace_a.slug}),
        {
            "title": "Data engineer",
            "skills": "Python,  Data  Engineering, python",
            "notes": "Remote",
        },
    )
    opening = Opening.objects.get(workspace=workspace_a)
    assert response.status_code == 302
    assert opening.skills == ["python", "data engineering"]
    assert opening.created_by == bob


def test_an_opening_without_a_title_is_refused(client, bob, workspace_a):
    client.force_login(bob)
    response = client.post(
        reverse("reports:opening_create", kwargs={"ws": workspace_a.slug}), {"title": ""}
    )
    assert response.status_code == 400
    assert not Opening.objects.exists()


def test_the_pool_starts_from_the_openings_skills(client, alice, opening, pool):
    response = _detail(client, alice, opening)
    assert [c.first_name for c in response.context["pool"]] == ["Ada", "Ben"]
    assert response.context["pool"][0].score == pytest.approx(14 / 3)
    assert response.context["pool"][0].skills == ["python", "spark"]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"skills": ""}, ["Cy", "Ada", "Ben"]),
        ({"skills": "design, SPARK"}, ["Cy", "Ada"]),
        ({"skills": "", "min_score": "4"}, ["Cy", "Ada"]),
        ({"skills": "", "future": "on"}, ["Cy", "Ada"]),
        ({"skills": "", "stage": "promising"}, ["Ada"]),
        ({"skills": "sql", "min_score": "4"}, []),
    ],
)
def test_the_pool_filters_by_skills_stage_scores_and_future_roles(
    client, alice, opening, pool, params, names
):
    response = _detail(client, alice, opening, **params)
    assert response.status_code == 200
    assert [c.first_name for c in response.context["pool"]] == names


def test_bad_search_input_is_a_400(client, alice, opening, pool):
    assert _detail(client, alice, opening, min_score="9").status_code == 400
    assert _detail(client, alice, opening, stage="boss").status_code == 400


def test_the_pool_runs_the_same_queries_at_two_sizes(client, alice, bob, workspace_a, opening):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        _detail(client, alice, opening)
        with CaptureQueriesContext(connection) as context:
            _detail(client, alice, opening)
        return len(context)

    _assessed(workspace_a, bob, "One", (2026, 1, 1), ["python"])
    small = count()
    for i in range(20):
        contact = _assessed(workspace_a, bob, f"P{i}", (2026, 1, 1), ["sql"])
        ShortlistEntry.objects.create(workspace=workspace_a, opening=opening, contact=contact)
    assert count() == small


def test_the_shortlist_and_the_referral_follow_up(client, alice, bob, opening, pool):
    client.force_login(bob)
    ws = opening.workspace.slug
    add = reverse("reports:shortlist_add", kwargs={"ws": ws, "pk": opening.pk})
    assert client.post(add, {"contact": pool["ada"].pk}).status_code == 302
    client.post(add, {"contact": pool["ada"].pk})  # twice: still one entry
    entry = ShortlistEntry.objects.get(opening=opening)
    assert entry.contact == pool["ada"] and entry.added_by == bob

    ask = reverse("reports:shortlist_referral", kwargs={"ws": ws, "pk": entry.pk})
    response = client.post(ask)
    followup = FollowUp.objects.get(kind=FollowUp.Kind.REFERRAL)
    assert response.status_code == 302 and response["Location"] == followup.get_absolute_url()
    assert (followup.contact, followup.owner, followup.status) == (pool["ada"], bob, "open")
    assert followup.title == "Ask for a referral for Data engineer"
    client.post(ask)  # a second click opens no second follow-up
    assert FollowUp.objects.filter(kind=FollowUp.Kind.REFERRAL).count() == 1

    page = _detail(client, bob, opening)
    assert page.context["shortlist"][0].referral_followup == followup
    remove = reverse("reports:shortlist_remove", kwargs={"ws": ws, "pk": entry.pk})
    client.post(remove)
    assert not ShortlistEntry.objects.exists()


def test_a_contact_of_another_workspace_cannot_be_shortlisted(
    client, alice, charlie, opening, workspace_b
):
    stranger = ContactFactory(workspace=workspace_b, owner=charlie)
    client.force_login(alice)
    add = reverse("reports:shortlist_add", kwargs={"ws": opening.workspace.slug, "pk": opening.pk})
    assert client.post(add, {"contact": stranger.pk}).status_code == 404
    assert client.post(add, {"contact": "x"}).status_code == 400
    assert not ShortlistEntry.objects.exists()


def test_openings_are_for_team_workspaces(client, alice):
    from accounts.models import Workspace

    personal = Workspace.objects.get(kind=Workspace.Kind.PERSONAL, membership__user=alice)
    client.force_login(alice)
    assert client.get(reverse("reports:openings", kwargs={"ws": personal.slug})).status_code == 404


def test_the_pools_rows_in_the_readers_language_with_a_working_shortlist_form(alice, opening, pool):
    """The rows are written by reports/pool_rows.py: through the page, what a reader sees and
    what the row's form posts."""
    from django.test import Client

    pool["ada"].last_name = '<Lovelace & "Byron">'
    pool["ada"].save(update_fields=["last_name"])
    ShortlistEntry.objects.create(workspace=opening.workspace, opening=opening, contact=pool["ben"])
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client = Client(enforce_csrf_checks=True)
    html = _detail(client, alice, opening).content.decode()

    ada, ben = pool["ada"], pool["ben"]
    contact_url = reverse("contacts:detail", kwargs={"ws": opening.workspace.slug, "pk": ada.pk})
    assert f'<a href="{contact_url}">Ada &lt;Lovelace &amp; &quot;Byron&quot;&gt;</a>' in html
    assert '<span class="badge text-bg-light">Prometteur</span>' in html  # stage "promising"
    assert '<td class="small" data-label="Compétences">python, spark</td>' in html
    assert '<td data-label="Note moyenne">4,7</td>' in html  # 14 / 3, in French
    assert '<td data-label="Futurs postes">Oui</td>' in html
    assert '<td data-label="Futurs postes">Non</td>' in html
    # Ben is on the shortlist already: no form for him, one for Ada.
    assert '<span class="text-success small">Présélectionné</span>' in html
    assert f'name="contact" value="{ben.pk}"' not in html
    form = html.split(f'<input type="hidden" name="contact" value="{ada.pk}">')[0]
    action = form.rsplit('<form method="post" action="', 1)[1].split('"')[0]
    token = form.rsplit('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    response = client.post(action, {"contact": ada.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ShortlistEntry.objects.filter(opening=opening, contact=ada).exists()
