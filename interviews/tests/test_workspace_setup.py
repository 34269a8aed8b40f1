from accounts.demo import Demo
from accounts.models import Workspace
from contacts.timeline import timeline_for
from interviews import demo, services
from interviews.models import (
    Assessment,
    Interview,
    Note,
    Objective,
    PrepTemplateItem,
    Question,
    QuestionCategory,
)
from interviews.tests.factories import make_interview


def test_a_personal_workspace_starts_with_the_candidates_defaults(personal_a):
    items = list(
        PrepTemplateItem.objects.filter(workspace=personal_a).values_list("text", flat=True)
    )
    assert items[0] == "Research the industry"
    assert items[-1] == "Bring a way to take notes"
    assert len(items) == 9
    categories = set(
        Question.objects.filter(workspace=personal_a).values_list("category", flat=True)
    )
    assert QuestionCategory.PEOPLE_NEXT in categories
    assert QuestionCategory.CULTURAL_FIT not in categories


def test_a_team_workspace_adds_the_recruiters_defaults(workspace_a):
    items = list(
        PrepTemplateItem.objects.filter(workspace=workspace_a).values_list("text", flat=True)
    )
    assert items[-2:] == [
        "Decide what the organisation needs to learn",
        "Keep the tone relaxed, not a formal interview",
    ]
    categories = set(
        Question.objects.filter(workspace=workspace_a).values_list("category", flat=True)
    )
    assert categories == set(QuestionCategory.values)


def test_the_defaults_are_seeded_once(workspace_a):
    counts = (Question.objects.count(), PrepTemplateItem.objects.count())
    services.workspace_defaults(workspace=workspace_a)
    assert (Question.objects.count(), PrepTemplateItem.objects.count()) == counts


def test_admins_edit_the_template_and_new_interviews_copy_it(client, alice, workspace_a, url):
    old = make_interview(workspace=workspace_a, owner=alice)
    client.force_login(alice)
    assert client.post(url("prep_template"), {"text": "Bring a printed CV"}).status_code == 302
    first = PrepTemplateItem.objects.filter(workspace=workspace_a).first()
    client.post(url("prep_template_delete", pk=first.pk))
    new = make_interview(workspace=workspace_a, owner=alice)
    texts = list(new.prep_items.values_list("text", flat=True))
    assert texts[-1] == "Bring a printed CV"
    assert "Research the industry" not in texts
    assert old.prep_items.filter(text="Research the industry").exists()
    assert client.post(url("prep_template"), {"text": ""}).status_code == 400


def test_only_admins_change_the_bank(client, alice, bob, workspace_a, url):
    data = {"category": "advice", "text": "Which book changed how you work?"}
    client.force_login(bob)
    assert "Which skills do you use every day?" in client.get(url("bank")).text
    assert client.post(url("bank_add"), data).status_code == 403
    client.force_login(alice)
    assert client.post(url("bank_add"), data).status_code == 302
    assert Question.objects.filter(workspace=workspace_a, text=data["text"]).exists()
    assert client.post(url("bank_add"), {"category": "nonsense", "text": "x"}).status_code == 400


def test_the_contact_timeline_lists_interviews_and_notes(
    alice, interview, django_assert_max_num_queries
):
    services.note_add(interview=interview, author=alice, kind="advice", body="Read widely")
    services.interview_cancel(interview=interview, reason="Ill")
    from interviews.timeline import entries_for

    with django_assert_max_num_queries(2):
        entries = entries_for(interview.contact)
    kinds = sorted(entry.kind for entry in entries)
    assert kinds == ["interview", "interview_cancelled", "note_advice"]
    assert all(entry.url.startswith(interview.get_absolute_url()) for entry in entries)
    assert {e.kind for e in timeline_for(interview.contact)} >= set(kinds)


def test_the_demo_data_is_seeded_once(alice, bob, workspace_a, personal_a):
    team = Workspace.objects.get(pk=workspace_a.pk)
    data = Demo(
        candidate=alice, personal=personal_a, admin=alice, recruiters=[bob, alice], team=team
    )
    demo.seed(demo=data)
    counts = [m.objects.count() for m in (Interview, Objective, Note, Assessment)]
    assert counts[0] == 6
    assert counts[3] == 1
    demo.seed(demo=data)
    assert [m.objects.count() for m in (Interview, Objective, Note, Assessment)] == counts
    statuses = set(Interview.objects.values_list("status", flat=True))
    assert statuses == {"planned", "scheduled", "completed", "cancelled"}
