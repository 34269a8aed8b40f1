"""The interview page's note form lists the interview's objectives from the page's own read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews.forms import NoteForm
from interviews.models import Objective


def test_the_objective_menu_is_the_same_without_a_query_of_its_own(interview, workspace_a):
    for position, text in enumerate(["Learn the team's week", "Ask about hiring", "Get a name"]):
        Objective.objects.create(
            workspace=workspace_a, interview=interview, position=3 - position, text=text
        )
    objectives = list(interview.objectives.all())

    with CaptureQueriesContext(connection) as queries:
        given = str(NoteForm(interview=interview, objectives=objectives)["objective"])
    assert len(queries) == 0
    assert given == str(NoteForm(interview=interview)["objective"])
    assert given.count("<option") == 4  # the empty choice and the three objectives

    # The posted objective is still checked against the interview's own.
    form = NoteForm(
        {"kind": "insight", "objective": objectives[0].pk, "body": "Busy"},
        interview=interview,
        objectives=objectives,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["objective"] == objectives[0]


def test_a_note_posted_through_the_page_asks_nothing_twice(
    client, alice, interview, django_assert_max_num_queries
):
    from django.urls import reverse

    from interviews.models import Note

    client.force_login(alice)
    url = reverse("interviews:note_add", kwargs={"ws": "acme", "pk": interview.pk})
    client.post(url, {"kind": "insight", "body": "warm-up"})  # the session's first writes
    # The user and memberships, the interview; the note in its savepoint; the contact's last
    # interaction and its keep-in-touch follow-up moved, one UPDATE each: no SELECT that asks
    # again whether the interview, the author or the workspace exist. (10 until the follow-up's
    # move was one UPDATE ... RETURNING instead of a locking SELECT, a save and a reminder
    # UPDATE that a keep-in-touch, never reminded, cannot need.)
    with django_assert_max_num_queries(8) as captured:
        response = client.post(url, {"kind": "insight", "body": "They hire in **March**."})
    assert response.status_code in (200, 302)
    note = Note.objects.latest("pk")
    assert (note.interview, note.author, note.workspace) == (interview, alice, interview.workspace)
    assert "<strong>March</strong>" in note.body_html
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SELECT 1 AS")]
