"""The caller's report figures as JSON: the reports pages' own selectors and role rules."""

from datetime import date

from django.http import QueryDict
from ninja import Query, Router, Schema

from api.access import membership
from api.problems import ERRORS, ApiProblem
from api.schemas import Ws
from reports.forms import ReportFilterForm
from reports.selectors import REPORTS, reports_for

router = Router(tags=["reports"])


class ReportInfo(Schema):
    slug: str
    title: str
    description: str
    grouped: bool


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    caption: str


class SeriesOut(Schema):
    name: str
    values: list[float | None]


class ChartOut(Schema):
    kind: str
    title: str
    x_labels: list[str]
    series: list[SeriesOut]


class ReportOut(Schema):
    slug: str
    title: str
    start: date
    end: date
    summary: list[str]
    tables: list[TableOut]
    chart: ChartOut


@router.get("/reports", response={200: list[ReportInfo], **ERRORS})
def report_list(request, ws: Ws):
    """The reports the caller may read here (recruiters: not the admin-only ones)."""
    found = membership(request, ws)
    return [
        {
            "slug": s.slug,
            "title": str(s.title),
            "description": str(s.description),
            "grouped": s.grouped,
        }
        for s in reports_for(workspace=request.workspace, membership=found)
    ]


@router.get("/reports/{slug}", response={200: ReportOut, **ERRORS})
def report_detail(
    request,
    ws: Ws,
    slug: str,
    start: date | None = None,
    end: date | None = None,
    recruiter: int | None = Query(None, description="A member's id (admins); recruiters: own."),
    group: str | None = Query(None, pattern="^(week|month)$"),
):
    """One report over whole local days start..end (default: the last 90 days).

    Recruiters see their own figures only, and admin-only reports answer 403, as on the pages.
    """
    found = membership(request, ws)
    spec = REPORTS.get(slug)
    if spec is None or spec.team != request.workspace.is_team:
        raise ApiProblem(404, "No such report here.")
    if spec.admin and not found.is_admin:
        raise ApiProblem(403, "Only the workspace's admins can see this report.")
    data = QueryDict(mutable=True)
    for name, value in (("start", start), ("end", end), ("recruiter", recruiter), ("group", group)):
        if value is not None:
            data[name] = str(value)
    form = ReportFilterForm(
        data, workspace=request.workspace, membership=found, grouped=spec.grouped
    )
    if not form.is_valid():
        errors = [
            {
                "location": field if field != "__all__" else "query",
                "message": str(m),
                "type": "invalid",
            }
            for field, messages in form.errors.items()
            for m in messages
        ]
        raise ApiProblem(422, errors[0]["message"], errors=errors)
    options = {"group": form.cleaned_data["group"]} if spec.grouped else {}
    report = spec.build(
        workspace=request.workspace, period=form.period, recruiter=form.recruiter_filter, **options
    )
    return {
        "slug": report.slug,
        "title": str(report.title),
        "start": form.cleaned_data["start"],
        "end": form.cleaned_data["end"],
        "summary": [str(s) for s in report.summary],
        "tables": [
            {
                "key": t.key,
                "title": str(t.title),
                "columns": [str(c) for c in t.columns],
                "rows": [[str(c) for c in row] for row in t.rows],
                "caption": str(t.caption),
            }
            for t in report.tables
        ],
        "chart": {
            "kind": report.chart.kind,
            "title": str(report.chart.title),
            "x_labels": [str(x) for x in report.chart.x_labels],
            "series": [{"name": str(n), "values": v} for n, v in report.chart.series],
        },
    }
