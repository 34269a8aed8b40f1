"""``{{ table|table_rows }}`` writes what the report page's template loop wrote, byte for byte."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from reports.selectors.base import Table

# The loop the report page had before the rows were written in Python.
LOOP = Template(
    "{% load i18n %}"
    "{% for row in table.rows %}<tr>{% for cell in row %}{% if forloop.first %}"
    '<th scope="row">{{ cell }}</th>{% else %}<td>{{ cell }}</td>{% endif %}{% endfor %}</tr>\n'
    "          {% empty %}"
    '<tr><td colspan="{{ table.columns|length }}" class="text-body-secondary">'
    '{% translate "Nothing in this period." %}</td></tr>{% endfor %}'
)
FILTER = Template("{% load report_tables %}{{ table|table_rows }}")

TABLES = [
    Table(
        key="weeks",
        title="Per week",
        columns=["Week", "Ada", "Ben & Co"],
        rows=[["2026-W10", "3", "<b>5</b>"], ["2026-W11", "0", 'say "hi"']],
    ),
    Table(  # not text: as {{ cell }} renders it (localized numbers, safe strings kept)
        key="mixed",
        title="Mixed",
        columns=["Who", "Score", "Share", "Count"],
        rows=[[mark_safe("<i>kept</i>"), 4.25, Decimal("12.5"), 1234], ["", None, 0.0, -3]],
    ),
    Table(key="empty", title="Nothing", columns=["A", "B", "C"], rows=[]),
    Table(key="ragged", title="Ragged", columns=["A"], rows=[[], ["only"]]),
]


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("table", TABLES, ids=[table.key for table in TABLES])
def test_the_rows_are_what_the_template_loop_wrote(language, table):
    with translation.override(language):
        expected = LOOP.render(Context({"table": table}))
        assert FILTER.render(Context({"table": table})) == expected
    if not table.rows:
        assert "Nothing in this period." in expected or "Rien" in expected
