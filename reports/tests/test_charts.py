"""The charts are pygal's drawings: the leaner attribute lookup changes nothing in the SVG."""

import itertools
import uuid

import pygal
import pytest

from reports import charts
from reports.selectors.base import Chart

CHARTS = [
    Chart(
        kind="bar",
        title="Contacts by stage",
        x_labels=["New", "Engaged", "Hired"],
        series=[("Contacts now", [25, 0, 3]), ("Reached in period", [12, 4, 0])],
    ),
    Chart(
        kind="stacked_bar",
        title="Completed conversations per week",
        x_labels=[f"W{i}" for i in range(12)],
        series=[(f"R & {j}", [(i * 7 + j * 3) % 11 for i in range(12)]) for j in range(4)],
    ),
    Chart(kind="line", title="Ça <va>", x_labels=["a", "b", "c"], series=[("x", [1, None, 3])]),
    Chart(kind="bar", title="Nothing", x_labels=[], series=[]),
]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda chart: chart.kind)
@pytest.mark.parametrize("dark", [False, True])
def test_it_draws_what_pygal_draws(monkeypatch, chart, dark):
    def drawn(kinds):
        ids = itertools.count()
        monkeypatch.setattr(pygal.graph.base, "uuid4", lambda: uuid.UUID(int=next(ids)))
        monkeypatch.setattr(charts, "KINDS", kinds)
        return charts.chart_svg(chart, dark=dark, nonce="n")

    pygals = {"bar": pygal.Bar, "stacked_bar": pygal.StackedBar, "line": pygal.Line}
    assert drawn(charts.KINDS) == drawn(pygals)
