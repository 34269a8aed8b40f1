"""The interview page's notes and question bank, written with string joins.

Through the template engine each note cost its kind label, a ``|date`` translating the month
name again, a ``{% url %}``, two ``{% translate %}`` and a ``{% csrf_token %}``, and each bank
question a dozen variable lookups: the page's largest loops. The labels are translated once per
request and each row is an f-string with every value escaped: the template's markup byte for
byte (compared on interview pages in English and French; ``tests/test_detail_rows.py``).
"""

from itertools import groupby

from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from infoview.dates import DateLabels
from infoview.fields import csrf_input
from interviews.models import Note, Objective, Question, QuestionCategory


def notes_html(request, notes: list[Note]) -> SafeString:
    """The notes, oldest first, each with its delete form."""
    if not notes:
        return mark_safe("")
    ws = request.workspace.slug
    kinds = {value: esc(label) for value, label in Note.Kind.choices}
    confirm, delete = esc(_("Delete this note?")), esc(_("delete"))
    csrf = csrf_input(request)
    dates = DateLabels()
    rows = []
    for note in notes:
        objective = f"· {esc(note.objective.text)}" if note.objective else ""
        author = esc(note.author) if note.author else ""
        action = esc(reverse("interviews:note_delete", kwargs={"ws": ws, "pk": note.pk}))
        rows.append(
            '\n    <article class="border rounded p-2 mb-2">\n'
            '      <div class="small text-body-secondary mb-1"><span class="badge text-bg-info">'
            f"{kinds.get(note.kind, esc(note.kind))}</span>\n"
            f"        {objective} · {author} · {esc(dates.day_month_year_time(note.created_at))}\n"
            f'        <form method="post" class="d-inline" action="{action}" '
            f'data-confirm="{confirm}">{csrf}\n'
            '          <button class="btn btn-link btn-sm p-0 text-danger" type="submit">'
            f"{delete}</button></form>\n"
            "      </div>\n"
            f'      <div class="note-body">{note.html}</div>\n'  # sanitised when saved
            "    </article>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308


def bank_html(bank: list[Question]) -> SafeString:
    """The bank's questions (sorted by category) as check boxes, a fieldset per category with
    its label; each label translated once."""
    labels = {value: str(label) for value, label in QuestionCategory.choices}
    groups = []
    for category, questions in groupby(bank, key=lambda question: question.category):
        rows = "".join(
            '\n          <div class="form-check"><input class="form-check-input" type="checkbox" '
            f'name="questions" value="{question.pk}" id="bank-{question.pk}">\n'
            f'          <label class="form-check-label" for="bank-{question.pk}">'
            f"{esc(question.text)}</label></div>\n        "
            for question in questions
        )
        groups.append(
            '\n        <fieldset class="mb-2">'
            '<legend class="h6 small text-uppercase text-body-secondary">'
            f"{esc(labels.get(category, category))}</legend>\n        {rows}</fieldset>\n      "
        )
    return mark_safe("".join(groups))  # noqa: S308


def objectives_html(request, objectives: list[Objective]) -> SafeString:
    """The objectives, each with its forms to edit, mark met, move and remove it (htmx swaps
    the whole list: the partial ``interview_detail.html#objectives`` writes the same rows)."""
    ws = request.workspace.slug
    label, save, insight = esc(_("Objective")), esc(_("Save")), esc(_("Insight:"))
    met, mark_met = esc(_("Met")), esc(_("Mark met"))
    up, down = esc(_("Move up")), esc(_("Move down"))
    remove, confirm = esc(_("Remove")), esc(_("Remove this objective?"))
    csrf = csrf_input(request)
    last = len(objectives) - 1
    rows = []
    for index, objective in enumerate(objectives):
        pk = objective.pk
        is_met = objective.is_met
        toggle = "btn-success" if is_met else "btn-outline-success"
        note = ""
        if objective.insight:
            note = (
                '<p class="small mb-0 mt-1 text-pre-line"><strong>'
                f"{insight}</strong> {esc(objective.insight)}</p>"
            )
        rows.append(
            '\n    <li class="list-group-item d-flex gap-2 align-items-start'
            f'{" list-group-item-success" if is_met else ""}">\n'
            '      <div class="me-auto">\n'
            f"        {_form(ws, pk, 'objective_edit', css='d-flex gap-1')}>{csrf}\n"
            f'          <label class="visually-hidden" for="objective-{pk}">{label}</label>\n'
            f'          <input class="form-control form-control-sm" id="objective-{pk}" '
            f'name="text" value="{esc(objective.text)}" maxlength="300" required>\n'
            '          <button class="btn btn-sm btn-outline-secondary" type="submit">'
            f"{save}</button>\n"
            "        </form>\n"
            f"        {note}\n"
            "      </div>\n"
            f"      {_form(ws, pk, 'objective_toggle')}>{csrf}\n"
            f'        <button class="btn btn-sm {toggle}" type="submit" '
            f'aria-pressed="{"true" if is_met else "false"}">'
            f"{met if is_met else mark_met}</button>\n"
            "      </form>\n"
            f"      {_form(ws, pk, 'objective_move', direction='up')}>{csrf}\n"
            '        <button class="btn btn-sm btn-outline-secondary" type="submit" '
            f'{"disabled" if index == 0 else ""} aria-label="{up}">↑</button></form>\n'
            f"      {_form(ws, pk, 'objective_move', direction='down')}>{csrf}\n"
            '        <button class="btn btn-sm btn-outline-secondary" type="submit" '
            f'{"disabled" if index == last else ""} aria-label="{down}">↓</button></form>\n'
            f'      {_form(ws, pk, "objective_delete")} data-hx-confirm="{confirm}">{csrf}\n'
            '        <button class="btn btn-sm btn-outline-danger" type="submit" '
            f'aria-label="{remove}">×</button></form>\n'  # noqa: RUF001 - the page's sign
            "    </li>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308


def _form(ws: str, pk: int, name: str, css: str = "", **kwargs) -> str:
    """An objective's form tag, open for its attributes' end: posted by htmx, which swaps the
    list."""
    href = esc(reverse(f"interviews:{name}", kwargs={"ws": ws, "pk": pk, **kwargs}))
    css = f' class="{css}"' if css else ""
    return (
        f'<form method="post"{css} action="{href}" data-hx-post="{href}" '
        'data-hx-target="#objectives" data-hx-swap="outerHTML"'
    )
