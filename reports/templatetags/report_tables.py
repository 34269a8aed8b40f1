"""A report table's body, written with string joins (``{{ table|table_rows }}``).

A table of a year by week and recruiter is hundreds of cells; through the template engine each
cell was a loop step, a condition and a variable (about a third of a report page's CPU). The
markup is the template's, byte for byte: each cell rendered as ``{{ cell }}`` renders it
(escaped, localized when it is not text).
"""

from html import escape

from django import template
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()
_CONTEXT = Context()  # autoescape on, localization and time zone as the settings say


def _cell(value) -> str:
    # Text (the cells the selectors write) is escaped; anything else as {{ value }} renders it.
    return escape(value) if type(value) is str else render_value_in_context(value, _CONTEXT)


@register.filter
def table_rows(table) -> str:
    if not table.rows:
        nothing = escape(_("Nothing in this period."))
        cell = f'<td colspan="{len(table.columns)}" class="text-body-secondary">{nothing}</td>'
        return mark_safe(f"<tr>{cell}</tr>")  # noqa: S308 - the text is escaped above
    rows = []
    for row in table.rows:
        cells = iter(row)
        first = next(cells, None)
        head = f'<th scope="row">{_cell(first)}</th>' if row else ""
        rest = "".join(f"<td>{_cell(cell)}</td>" for cell in cells)
        rows.append(f"<tr>{head}{rest}</tr>\n          ")
    return mark_safe("".join(rows))  # noqa: S308 - every cell is escaped by _cell
