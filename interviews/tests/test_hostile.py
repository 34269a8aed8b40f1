"""Hostile input on interviews: calendar ends, and notes that cost more than they weigh."""

import time

import pytest

from interviews import services
from interviews.markup import MAX_NOTE_LENGTH, render_markdown
from interviews.models import Interview, Note
from interviews.tests.test_scheduling import _form


def test_the_list_survives_a_filter_at_the_end_of_the_calendar(client, alice, interview, url):
    client.force_login(alice)
    for params in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        response = client.get(url("list"), params)
        assert response.status_code == 400
        assert "between the years" in response.content.decode()


def test_it_refuses_an_interview_at_the_start_of_the_calendar(client, alice, contact, url):
    client.force_login(alice)
    data = _form(contact, date="0001-01-01", start_time="00:10", time_zone="Asia/Tokyo")
    response = client.post(url("create"), data)
    assert response.status_code == 400
    assert not Interview.objects.filter(contact=contact).exists()


def _cpu_seconds(text: str) -> float:
    """The least CPU time (this process's, not the wall clock's) of three renderings."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        render_markdown(text)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    ("unit", "count"), [("[x](", 4900), ("*a", 9900), ("[", 19_000), ("> ", 9000)]
)
def test_markdown_costs_time_in_proportion_to_the_text(unit, count):
    # Four times the text costs about four times the CPU; a parser that backtracks over what it
    # has read (a quadratic one) costs sixteen. CPU time of this process, so a busy machine
    # does not move the ratio much.
    quarter = _cpu_seconds(unit * (count // 4) + "a")
    whole = _cpu_seconds(unit * count + "a")
    assert whole / max(quarter, 1e-4) < 8


def test_a_note_is_rendered_once_when_saved_not_per_view(client, alice, interview, url):
    note = services.note_add(interview=interview, author=alice, kind="insight", body="**Hi**")
    assert note.body_html == "<p><strong>Hi</strong></p>\n"
    # What the page shows is what was stored: the body is not parsed again.
    Note.objects.filter(pk=note.pk).update(body_html="<p>stored</p>")
    client.force_login(alice)
    page = client.get(url("detail", pk=interview.pk)).content.decode()
    assert "<p>stored</p>" in page


def test_a_note_has_a_size_limit(client, alice, interview, url):
    client.force_login(alice)
    data = {"kind": "insight", "body": "x" * (MAX_NOTE_LENGTH + 1)}
    assert client.post(url("note_add", pk=interview.pk), data).status_code == 400
    assert not Note.objects.exists()
