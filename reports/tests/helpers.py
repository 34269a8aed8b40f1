import csv
import io
import re
from html.parser import HTMLParser

from django.urls import reverse


class TableParser(HTMLParser):
    """The report tables of a page, as lists of rows of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._rows = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and hasattr(self, "_rows"):
            self._rows.append([])
        elif tag in {"td", "th"} and hasattr(self, "_rows"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and hasattr(self, "_rows"):
            del self._rows

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    parser = TableParser()
    parser.feed(response.content.decode())
    return parser.tables


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def report_url(ws, slug, name="detail"):
    return reverse(f"reports:{name}", kwargs={"ws": ws.slug, "slug": slug})


CHART_BAR = re.compile(r'<desc class="value">([^<]*)</desc>.*?<desc class="x_label">([^<]*)</desc>')


def chart_values(response) -> dict[str, list[str]]:
    """The values a chart image draws, by x label: one a series, in the series' order."""
    assert response.status_code == 200, response.status_code
    values = {}
    for value, label in CHART_BAR.findall(response.content.decode()):
        values.setdefault(label, []).append(value)
    return values
