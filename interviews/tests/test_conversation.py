import pytest
from django.urls import reverse

from contacts.models import Contact
from interviews import services
from interviews.models import Assessment, InterviewQuestion, Note, Objective, PrepItem, Question

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_objectives_are_added_reordered_met_and_removed(client, alice, interview, url):
    client.force_login(alice)
    for text in ("Learn the path", "Understand the team", "Ask for names"):
        assert client.post(url("objective_add", pk=interview.pk), {"text": text}).status_code == 302
    third = Objective.objects.get(text="Ask for names")
    response = client.post(url("objective_move", pk=third.pk, direction="up"), **HTMX)
    assert response.status_code == 200
    assert 'id="objectives"' in response.text
    assert list(interview.objectives.values_list("text", flat=True)) == [
        "Learn the path",
        "Ask for names",
        "Understand the team",
    ]
    first = Objective.objects.get(text="Learn the path")
    client.post(url("objective_move", pk=first.pk, direction="up"))  # already first: no change
    assert interview.objectives.first() == first

    client.post(url("objective_toggle", pk=third.pk))
    third.refresh_from_db()
    assert third.is_met
    client.post(url("objective_edit", pk=third.pk), {"text": "Ask for two names"})
    third.refresh_from_db()
    assert third.text == "Ask for two names"
    client.post(url("objective_delete", pk=first.pk))
    assert interview.objectives.count() == 2


def test_an_empty_objective_is_refused(client, alice, interview, url):
    client.force_login(alice)
    response = client.post(url("objective_add", pk=interview.pk), {"text": ""}, **HTMX)
    assert response.status_code == 400
    assert not interview.objectives.exists()


def test_autosave_keeps_insights_answers_research_and_notes(client, alice, interview, url):
    objective = services.objective_add(interview=interview, text="Learn the path")
    question = services.question_add_one_off(interview=interview, text="How did you start?")
    client.force_login(alice)
    responses = [
        client.post(
            url("objective_insight", pk=objective.pk), {"insight": "Via a bootcamp"}, **HTMX
        ),
        client.post(url("question_answer", pk=question.pk), {"answer": "By accident\n"}, **HTMX),
        client.post(
            url("text_save", pk=interview.pk, field="research"), {"text": "Series B"}, **HTMX
        ),
        client.post(
            url("text_save", pk=interview.pk, field="scratch"), {"text": "  typed  "}, **HTMX
        ),
    ]
    assert [r.status_code for r in responses] == [200] * 4
    assert "Saved at" in responses[0].text
    objective.refresh_from_db()
    question.refresh_from_db()
    interview.text.refresh_from_db()
    assert objective.insight == "Via a bootcamp"
    assert question.answer == "By accident\n"
    assert interview.text.research == "Series B"
    assert interview.text.scratch == "  typed  "  # what was typed, spaces and all
    page = client.get(url("conversation", pk=interview.pk)).text
    assert "Via a bootcamp" in page
    assert "By accident" in page
    assert "  typed  " in page


def test_autosave_refuses_an_unknown_field(client, alice, interview, url):
    client.force_login(alice)
    response = client.post(url("text_save", pk=interview.pk, field="status"), {"text": "x"})
    assert response.status_code == 404


def test_questions_are_picked_from_the_bank_once(client, alice, interview, url, workspace_a):
    bank = list(Question.objects.filter(workspace=workspace_a)[:2])
    client.force_login(alice)
    data = {"questions": [q.pk for q in bank]}
    client.post(url("questions_pick", pk=interview.pk), data)
    client.post(url("questions_pick", pk=interview.pk), data)
    client.post(url("question_add", pk=interview.pk), {"text": "What surprised you?"})
    texts = list(interview.questions.values_list("text", flat=True))
    assert texts == [bank[0].text, bank[1].text, "What surprised you?"]


def test_a_question_of_another_workspace_cannot_be_picked(
    client, alice, interview, url, workspace_b
):
    foreign = Question.objects.filter(workspace=workspace_b).first()
    client.force_login(alice)
    client.post(url("questions_pick", pk=interview.pk), {"questions": [foreign.pk]})
    assert not InterviewQuestion.objects.filter(interview=interview).exists()


def test_ticking_the_checklist_updates_readiness(client, alice, interview, url):
    items = list(interview.prep_items.all())
    client.force_login(alice)
    response = client.post(url("prep_item_toggle", pk=items[0].pk), **HTMX)
    assert response.status_code == 200
    assert f"Ready 1/{len(items)}" in response.text
    assert 'id="prep"' in response.text
    assert "<html" not in response.text
    client.post(url("prep_item_toggle", pk=items[1].pk), **HTMX)
    response = client.post(url("prep_item_toggle", pk=items[0].pk), **HTMX)
    assert f"Ready 1/{len(items)}" in response.text
    assert list(PrepItem.objects.filter(interview=interview, done_at__isnull=False)) == [items[1]]


def test_notes_are_rendered_as_sanitised_markdown(client, alice, interview, url):
    objective = services.objective_add(interview=interview, text="Learn the path")
    body = (
        "**Grow** via [mentors](https://example.test/m) and [mail](mailto:a@example.test)\n\n"
        "[bad](javascript:alert(1)) <script>alert(2)</script> "
        '<img src=x onerror="alert(3)"> <a href="https://x.test" onclick="alert(4)">x</a>'
    )
    client.force_login(alice)
    data = {"kind": "advice", "body": body, "objective": objective.pk}
    assert client.post(url("note_add", pk=interview.pk), data).status_code == 302
    note = Note.objects.get()
    assert note.objective == objective
    assert note.author == alice
    page = client.get(url("detail", pk=interview.pk)).text
    assert "<strong>Grow</strong>" in page
    assert 'href="https://example.test/m"' in page
    assert 'href="mailto:a@example.test"' in page
    for payload in ("javascript:", "<script>alert(2)", "onerror", "onclick", "<img"):
        assert payload not in page


def test_adding_a_note_logs_an_interaction(client, alice, interview, url):
    client.force_login(alice)
    client.post(url("note_add", pk=interview.pk), {"kind": "insight", "body": "Good"})
    interview.contact.refresh_from_db()
    assert interview.contact.last_interaction_at == Note.objects.get().created_at


def test_a_note_cannot_hang_on_another_interviews_objective(client, alice, interview, url):
    from interviews.tests.factories import make_interview

    other = make_interview(workspace=interview.workspace, owner=alice)
    foreign = services.objective_add(interview=other, text="Elsewhere")
    client.force_login(alice)
    data = {"kind": "insight", "body": "Hmm", "objective": foreign.pk}
    assert client.post(url("note_add", pk=interview.pk), data).status_code == 400
    assert not Note.objects.exists()


def test_people_to_meet_next_become_contacts_introduced_by_this_one(client, alice, interview, url):
    client.force_login(alice)
    data = {"first_name": "Nadia", "last_name": "Khan", "email": "nadia@example.test"}
    response = client.post(url("person_add", pk=interview.pk), data, follow=True)
    nadia = Contact.objects.get(first_name="Nadia")
    assert nadia.introduced_by == interview.contact
    assert nadia.workspace == interview.workspace
    assert nadia.emails == ["nadia@example.test"]
    assert "Nadia Khan is in your contacts, introduced by Maya Lin." in response.text


def test_the_team_assesses_a_conversation(client, bob, interview, url):
    client.force_login(bob)
    data = {
        "passion": 5,
        "motivation": 4,
        "cultural_fit": 3,
        "skills": "Python, SQL , python",
        "consider_for_future": "on",
        "roles_in_mind": "Data engineer",
        "availability": "From March",
    }
    assert client.post(url("assessment", pk=interview.pk), data).status_code == 302
    assessment = Assessment.objects.get(interview=interview)
    assert (assessment.passion, assessment.motivation, assessment.cultural_fit) == (5, 4, 3)
    assert assessment.skills == ["python", "sql"]
    assert assessment.consider_for_future
    assert assessment.assessed_by == bob
    assert "Data engineer" in client.get(url("detail", pk=interview.pk)).text


@pytest.mark.parametrize("score", ["0", "6", "x"])
def test_scores_stay_between_one_and_five(client, alice, interview, url, score):
    client.force_login(alice)
    data = {"passion": score, "motivation": 3, "cultural_fit": 3}
    assert client.post(url("assessment", pk=interview.pk), data).status_code == 400
    assert not Assessment.objects.exists()


def test_personal_workspaces_have_no_assessment(client, alice, personal_a):
    from interviews.tests.factories import make_interview

    interview = make_interview(workspace=personal_a, owner=alice)
    client.force_login(alice)
    page = client.get(interview.get_absolute_url()).text
    assert "Assessment" not in page
    url = reverse("interviews:assessment", kwargs={"ws": personal_a.slug, "pk": interview.pk})
    assert client.get(url).status_code == 404
    with pytest.raises(Exception, match="Only team workspaces"):
        services.assessment_save(
            interview=interview, assessed_by=alice, passion=3, motivation=3, cultural_fit=3
        )


def test_payloads_in_the_conversation_record_stay_inert(client, alice, interview, url):
    payload = '<script>alert(1)</script><svg onload="alert(2)">'
    objective = services.objective_add(interview=interview, text=payload)
    question = services.question_add_one_off(interview=interview, text=payload)
    services.question_answer(question=question, answer=payload)
    services.objective_update(objective=objective, insight=payload)
    services.interview_text_save(interview=interview, field="research", value=payload)
    client.force_login(alice)
    for page in (url("detail", pk=interview.pk), url("conversation", pk=interview.pk)):
        text = client.get(page).text
        assert "<script>alert(1)" not in text
        assert "<svg" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_service_refuses_to_move_an_interview_to_a_foreign_contact(interview, workspace_b):
    from django.core.exceptions import ValidationError

    from interviews.tests.factories import ContactFactory

    with pytest.raises(ValidationError):
        services.interview_update(
            interview=interview, contact=ContactFactory(workspace=workspace_b)
        )


def test_a_contact_the_contacts_app_refuses_is_a_form_error(
    client, alice, interview, url, monkeypatch
):
    from django.core.exceptions import ValidationError

    import contacts.services

    def refuse(**kwargs):
        raise ValidationError({"first_name": "Refused by the contacts app."})

    monkeypatch.setattr(contacts.services, "contact_create", refuse)
    client.force_login(alice)
    response = client.post(url("person_add", pk=interview.pk), {"first_name": "Nadia"})
    assert response.status_code == 400
    assert "Refused by the contacts app." in response.text


@pytest.mark.parametrize("name", ["interviews:detail", "interviews:conversation"])
def test_it_hides_another_workspaces_interview_behind_ones_own(
    client, charlie, workspace_b, interview, name
):
    """The pages' hand-written lookup (interviews.selectors.interview_page_row) is scoped too:
    Charlie asks for Alice's interview through his own workspace's address."""
    client.force_login(charlie)
    url = reverse(name, kwargs={"ws": workspace_b.slug, "pk": interview.pk})
    assert client.get(url).status_code == 404
