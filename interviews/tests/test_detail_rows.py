"""The interview page's notes and question bank written in Python (interviews/detail_rows.py):
the markup of the template loops they replace, and what the page shows through the client."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import OutgoingMessage
from interviews import services
from interviews.detail_rows import bank_html, notes_html, objectives_html
from interviews.models import Note, Objective, Question

pytestmark = pytest.mark.usefixtures("frozen_clock")

# The loops as interviews/interview_detail.html wrote them before.
_NOTES_LOOP = """{% load i18n %}{% for note in notes %}
    <article class="border rounded p-2 mb-2">
      <div class="small text-body-secondary mb-1"><span class="badge text-bg-info">{{ note.get_kind_display }}</span>
        {% if note.objective %}· {{ note.objective.text }}{% endif %} · {{ note.author|default:"" }} · {{ note.created_at|date:"j M Y, H:i" }}
        <form method="post" class="d-inline" action="{% url 'interviews:note_delete' ws=current_workspace.slug pk=note.pk %}" data-confirm="{% translate 'Delete this note?' %}">{% csrf_token %}
          <button class="btn btn-link btn-sm p-0 text-danger" type="submit">{% translate "delete" %}</button></form>
      </div>
      <div class="note-body">{{ note.html|safe }}</div>
    </article>
  {% endfor %}"""  # noqa: E501

_BANK_LOOP = """{% for category, questions in bank_groups %}
        <fieldset class="mb-2"><legend class="h6 small text-uppercase text-body-secondary">{{ category }}</legend>
        {% for q in questions %}
          <div class="form-check"><input class="form-check-input" type="checkbox" name="questions" value="{{ q.pk }}" id="bank-{{ q.pk }}">
          <label class="form-check-label" for="bank-{{ q.pk }}">{{ q.text }}</label></div>
        {% endfor %}</fieldset>
      {% endfor %}"""  # noqa: E501

_OBJECTIVES_LOOP = """{% load i18n %}{% for objective in objectives %}
    <li class="list-group-item d-flex gap-2 align-items-start{% if objective.is_met %} list-group-item-success{% endif %}">
      <div class="me-auto">
        <form method="post" class="d-flex gap-1" action="{% url 'interviews:objective_edit' ws=current_workspace.slug pk=objective.pk %}" data-hx-post="{% url 'interviews:objective_edit' ws=current_workspace.slug pk=objective.pk %}" data-hx-target="#objectives" data-hx-swap="outerHTML">{% csrf_token %}
          <label class="visually-hidden" for="objective-{{ objective.pk }}">{% translate "Objective" %}</label>
          <input class="form-control form-control-sm" id="objective-{{ objective.pk }}" name="text" value="{{ objective.text }}" maxlength="300" required>
          <button class="btn btn-sm btn-outline-secondary" type="submit">{% translate "Save" %}</button>
        </form>
        {% if objective.insight %}<p class="small mb-0 mt-1 text-pre-line"><strong>{% translate "Insight:" %}</strong> {{ objective.insight }}</p>{% endif %}
      </div>
      <form method="post" action="{% url 'interviews:objective_toggle' ws=current_workspace.slug pk=objective.pk %}" data-hx-post="{% url 'interviews:objective_toggle' ws=current_workspace.slug pk=objective.pk %}" data-hx-target="#objectives" data-hx-swap="outerHTML">{% csrf_token %}
        <button class="btn btn-sm {% if objective.is_met %}btn-success{% else %}btn-outline-success{% endif %}" type="submit" aria-pressed="{{ objective.is_met|yesno:'true,false' }}">{% if objective.is_met %}{% translate "Met" %}{% else %}{% translate "Mark met" %}{% endif %}</button>
      </form>
      <form method="post" action="{% url 'interviews:objective_move' ws=current_workspace.slug pk=objective.pk direction='up' %}" data-hx-post="{% url 'interviews:objective_move' ws=current_workspace.slug pk=objective.pk direction='up' %}" data-hx-target="#objectives" data-hx-swap="outerHTML">{% csrf_token %}
        <button class="btn btn-sm btn-outline-secondary" type="submit" {% if forloop.first %}disabled{% endif %} aria-label="{% translate 'Move up' %}">↑</button></form>
      <form method="post" action="{% url 'interviews:objective_move' ws=current_workspace.slug pk=objective.pk direction='down' %}" data-hx-post="{% url 'interviews:objective_move' ws=current_workspace.slug pk=objective.pk direction='down' %}" data-hx-target="#objectives" data-hx-swap="outerHTML">{% csrf_token %}
        <button class="btn btn-sm btn-outline-secondary" type="submit" {% if forloop.last %}disabled{% endif %} aria-label="{% translate 'Move down' %}">↓</button></form>
      <form method="post" action="{% url 'interviews:objective_delete' ws=current_workspace.slug pk=objective.pk %}" data-hx-post="{% url 'interviews:objective_delete' ws=current_workspace.slug pk=objective.pk %}" data-hx-target="#objectives" data-hx-swap="outerHTML" data-hx-confirm="{% translate 'Remove this objective?' %}">{% csrf_token %}
        <button class="btn btn-sm btn-outline-danger" type="submit" aria-label="{% translate 'Remove' %}">×</button></form>
    </li>
  {% endfor %}"""  # noqa: E501, RUF001

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _request(workspace, user):
    request = RequestFactory().get("/")
    request.workspace, request.user = workspace, user
    return request


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_it_writes_the_notes_as_the_template_loop_did(
    language, workspace_a, alice, interview, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    objective = Objective.objects.create(
        workspace=workspace_a, interview=interview, text='Goal <i>&</i> "it\'s"'
    )
    services.note_add(
        interview=interview, author=alice, kind="advice", body="**bold** <b>x</b> & y",
        objective=objective,
    )  # fmt: skip
    anonymous = services.note_add(interview=interview, author=alice, kind="trend", body="Plain")
    Note.objects.filter(pk=anonymous.pk).update(
        author=None, created_at=timezone.now() - timedelta(days=40)
    )
    Note.objects.create(  # a kind the choices no longer have, and no rendered body
        workspace=workspace_a, interview=interview, author=alice, kind="old<kind>", body="x"
    )
    notes = list(interview.notes.select_related("author", "objective"))
    request = _request(workspace_a, alice)
    with translation.override(language):
        expected = (
            engines["django"]
            .from_string(_NOTES_LOOP)
            .render({"notes": notes, "current_workspace": workspace_a}, request)
        )
        written = notes_html(request, notes)
    assert "&lt;i&gt;&amp;&lt;/i&gt; &quot;it&#x27;s&quot;" in written
    assert _TOKEN.sub("", written) == _TOKEN.sub("", expected)
    assert len(_TOKEN.findall(written)) == 3


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_it_writes_the_question_bank_as_the_template_loop_did(language, workspace_a):
    from itertools import groupby

    from interviews.models import QuestionCategory

    for category, text in [
        ("motivation", 'Why <this> & "that"?'),
        ("motivation", "Second"),
        ("culture", "Third 'one'"),
        ("gone", "A category the choices no longer have"),
    ]:
        Question.objects.create(workspace=workspace_a, category=category, text=text)
    bank = list(Question.objects.filter(workspace=workspace_a).order_by("category", "pk"))
    with translation.override(language):
        labels = {value: str(label) for value, label in QuestionCategory.choices}
        groups = [
            (labels.get(category, category), list(questions))
            for category, questions in groupby(bank, key=lambda question: question.category)
        ]
        expected = engines["django"].from_string(_BANK_LOOP).render({"bank_groups": groups})
        written = bank_html(bank)
    assert written == expected
    assert "Why &lt;this&gt; &amp; &quot;that&quot;?" in written
    assert bank_html([]) == ""


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.text


def test_it_shows_notes_emails_and_the_bank_in_the_same_queries_at_10_and_500(
    client, alice, workspace_a, interview, url
):
    objective = Objective.objects.create(workspace=workspace_a, interview=interview, text="Aim")
    client.force_login(alice)
    client.get(url("list"))  # the first visit remembers the workspace
    counts = []
    made = 0
    for size in (10, 500):
        Note.objects.bulk_create(
            Note(
                workspace=workspace_a,
                interview=interview,
                author=alice if i % 2 else None,
                objective=objective if i % 3 else None,
                body=f"Note {i}",
                body_html=f"<p>Note {i}</p>",
            )
            for i in range(made, size)
        )
        OutgoingMessage.objects.bulk_create(
            OutgoingMessage(
                workspace=workspace_a,
                kind="interview_invitation",
                about=services.interview_about(interview),
                to=["maya@example.test"],
                subject=f"Invitation {i}",
                body="",
                message_id=f"<{i}@example.test>",
                state="failed",
                reason="Mailbox <full>",
            )
            for i in range(made, size)
        )
        Question.objects.bulk_create(
            Question(workspace=workspace_a, category="motivation", text=f"Bank {i}")
            for i in range(made, size)
        )
        made = size
        count, page = _queries(client, url("detail", pk=interview.pk))
        counts.append(count)
        assert f"<p>Note {size - 1}</p>" in page
        assert page.count('class="note-body"') == size
        assert page.count('data-outgoing-state="failed"') == size
        assert "Mailbox &lt;full&gt;" in page
        assert f">Bank {size - 1}</label>" in page
        assert "· Aim · Alice Admin ·" in page
    assert counts[0] == counts[1]
    assert counts[1] <= 6


def test_it_deletes_a_note_from_its_written_form(client, alice, workspace_a, interview, url):
    note = services.note_add(interview=interview, author=alice, kind="advice", body="Gone soon")
    client.force_login(alice)
    page = client.get(url("detail", pk=interview.pk)).text
    action = url("note_delete", pk=note.pk)
    assert f'action="{action}"' in page
    assert client.post(action).status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("count", [1, 3])
def test_it_writes_the_objectives_as_the_template_loop_did(
    language, count, workspace_a, alice, interview
):
    for i in range(count):
        Objective.objects.create(
            workspace=workspace_a,
            interview=interview,
            position=i,
            text=f'Goal {i} <i>&</i> "it\'s"',
            met_at=timezone.now() if i == 1 else None,
            insight="Line 1\nLine <2> & more" if i != 1 else "",
        )
    objectives = list(interview.objectives.all())
    request = _request(workspace_a, alice)
    with translation.override(language):
        expected = (
            engines["django"]
            .from_string(_OBJECTIVES_LOOP)
            .render({"objectives": objectives, "current_workspace": workspace_a}, request)
        )
        written = objectives_html(request, objectives)
    assert _TOKEN.sub("", written) == _TOKEN.sub("", expected)
    assert len(_TOKEN.findall(written)) == 5 * count


def test_it_swaps_the_written_objectives_after_a_change(client, alice, workspace_a, interview, url):
    first = Objective.objects.create(workspace=workspace_a, interview=interview, text="First")
    second = Objective.objects.create(
        workspace=workspace_a, interview=interview, text="Second", position=1
    )
    client.force_login(alice)
    response = client.post(url("objective_toggle", pk=second.pk), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = _TOKEN.sub("", response.text.strip())
    assert fragment.startswith('<section id="objectives"')
    assert fragment.index('value="First"') < fragment.index('value="Second"')
    assert 'aria-pressed="true">Met</button>' in fragment
    assert f'action="{url("objective_move", pk=first.pk, direction="up")}"' in fragment
    page = _TOKEN.sub("", client.get(url("detail", pk=interview.pk)).text)
    start = page.index('<section id="objectives"')
    assert page[start : page.index("</section>", start) + len("</section>")] == fragment
