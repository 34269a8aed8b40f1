"""Charts drawn on the server by pygal and served as SVG images.

The page shows each chart as ``<img src=".../chart.svg">``: an SVG image never runs scripts, and
pygal's script tags are removed all the same. The chart response has a narrow CSP of its own:
nothing but its one ``<style>`` element, which carries the response's nonce; pygal's ``style``
attributes become presentation attributes, so no inline style is allowed at all.
"""

import re

import pygal
from django.core.cache import cache
from django.utils.translation import gettext
from pygal.style import Style

from reports.selectors import CACHE_TTL, ReportSpec, report_cache_key
from reports.selectors.base import Chart, Period


class _PlainLookup:
    """pygal's own attribute lookup (``BaseGraph.__getattribute__``), done in fewer steps.

    While a chart is drawn, pygal reads its settings through the graph: each ``self.x`` looks in
    the drawing's transient state first, by calling ``__getattribute__`` twice and ``getattr``
    once (5,700 of the stages chart's 27,000 Python calls; 1,700 here). Same rules, same
    result: dunder names and ``state`` from the graph itself, any other name from the state's
    own attributes when it has it, else from the graph. The SVG is byte for byte pygal's
    (reports/tests/test_charts.py), for the pinned pygal version.
    """

    def __getattribute__(self, name):
        if name != "state" and name[:2] != "__":
            state = object.__getattribute__(self, "__dict__").get("state")
            if state is not None:
                found = state.__dict__
                if name in found:
                    return found[name]
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        state = object.__getattribute__(self, "__dict__").get("state")
        if name[:2] == "__" or state is None:
            object.__setattr__(self, name, value)
        else:
            setattr(state, name, value)


# Named as pygal's own: the SVG's graph element is classed with the class's name ("bar-graph").
class Bar(_PlainLookup, pygal.Bar):
    pass


class StackedBar(_PlainLookup, pygal.StackedBar):
    pass


class Line(_PlainLookup, pygal.Line):
    pass


KINDS = {"bar": Bar, "stacked_bar": StackedBar, "line": Line}
STYLE = Style(
    background="white",
    plot_background="white",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    colors=("#1f4e79", "#e07a1f", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"),
)
# The dark page's colours (Bootstrap 5.3's dark body), with series colours bright enough to
# stand out on it and text at more than 4.5:1.
DARK_STYLE = Style(
    background="#212529",
    plot_background="#212529",
    foreground="#dee2e6",
    foreground_strong="#f8f9fa",
    foreground_subtle="#495057",
    font_family=STYLE.font_family,
    colors=("#6ea8fe", "#ffb25b", "#5fd39a", "#c9a2e0", "#ff8a80", "#4fd1c5", "#ced4da"),
)
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b")
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
PROPERTY = re.compile(r"^[a-z-]+$")


def _presentation_attributes(match) -> str:
    """``style="opacity: 0"`` -> ``opacity="0"`` (SVG's own attributes, not inline CSS)."""
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _colon, value = declaration.partition(":")
        name = name.strip().lower()
        if PROPERTY.match(name) and value.strip():
            attributes.append(f' {name}="{value.strip()}"')
    return "".join(attributes)


def chart_svg(chart: Chart, *, dark: bool = False, nonce: str = "") -> str:
    drawing = KINDS[chart.kind](
        style=DARK_STYLE if dark else STYLE,
        title=chart.title,
        js=[],
        width=800,
        height=400,
        x_label_rotation=30 if len(chart.x_labels) > 8 else 0,
        show_legend=len(chart.series) > 1,
        legend_at_bottom=True,
        print_values=False,
        no_data_text=gettext("No data"),
        explicit_size=False,
    )
    drawing.x_labels = chart.x_labels
    for name, values in chart.series:
        drawing.add(name, values)
    svg = SCRIPT.sub("", drawing.render(is_unicode=True))
    svg = STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    return svg_with_nonce(svg, nonce)


def svg_with_nonce(svg: str, nonce: str) -> str:
    """The drawing with the response's CSP nonce on its ``<style>`` element."""
    return STYLE_ELEMENT.sub(f'<style nonce="{nonce}"', svg) if nonce else svg


def report_chart_svg(
    spec: ReportSpec, *, workspace, period: Period, recruiter, dark: bool, **options
) -> str:
    """The report's chart as SVG (without a nonce), kept in the shared cache like the report.

    Drawing is most of a chart response's work; the drawing depends on the report's figures and
    labels (the same key: data version, filters, language) and the theme, nothing else.
    """
    filters = {"workspace": workspace, "period": period, "recruiter": recruiter, **options}
    key = report_cache_key(spec, **filters)
    chart_key = f"{key}:chart:{'dark' if dark else 'light'}"
    found = cache.get_many([chart_key, key])
    svg = found.get(chart_key)
    if svg is None:
        report = found.get(key)
        if report is None:
            report = spec.build(**filters)
            cache.set(key, report, CACHE_TTL)
        svg = chart_svg(report.chart, dark=dark)
        cache.set(chart_key, svg, CACHE_TTL)
    return svg
