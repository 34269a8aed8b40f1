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
