import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.middleware.csp import get_nonce
from django.template.response import TemplateResponse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override

from accounts.scoping import workspace_view
from infoview.spreadsheets import escape_formula
from reports.charts import report_chart_svg, svg_with_nonce
from reports.forms import ReportFilterForm
from reports.selectors import REPORTS, ReportSpec, report_build, reports_for

# An SVG image cannot run scripts; it only needs its own inline <style>.
# The chart's one <style> element carries the nonce; nothing else may style or load anything.
CHART_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.NONCE]}


def _spec(request, slug: str) -> ReportSpec:
    """The report, if it exists in this kind of workspace; 403 for recruiters on admin reports."""
    spec = REPORTS.get(slug)
    if spec is None or spec.team != request.workspace.is_team:
        raise Http404("No such report here.")
    if spec.admin and not request.membership.is_admin:
        raise PermissionDenied(_("Only the workspace's admins can see this report."))
    return spec


def _filters(request, slug):
    """The report, its filter form and the filters to build it with (None if the form is bad)."""
    spec = _spec(request, slug)
    form = ReportFilterForm(
        request.GET or ReportFilterForm.default_data(request.workspace),
        workspace=request.workspace,
        membership=request.membership,
        grouped=spec.grouped,
    )
    if not form.is_valid():
        return spec, form, None
    options = {"group": form.cleaned_data["group"]} if spec.grouped else {}
    filters = {
        "workspace": request.workspace,
        "period": form.period,
        "recruiter": form.recruiter_filter,
        **options,
    }
    return spec, form, filters


def _build(request, slug):
    spec, form, filters = _filters(request, slug)
    return spec, form, None if filters is None else report_build(spec, **filters)


@workspace_view
def report_index(request):
    specs = reports_for(workspace=request.workspace, membership=request.membership)
    return TemplateResponse(
        request, "reports/index.html", {"workspace": request.workspace, "specs": specs}
    )


@workspace_view
def report_detail(request, slug):
    spec, form, report = _build(request, slug)
    context = {
        "workspace": request.workspace,
        "spec": spec,
        "form": form,
        "report": report,
        "query": request.GET.urlencode(),
    }
    status = 400 if report is None else 200
    return TemplateResponse(request, "reports/report.html", context, status=status)


def _bad_filters(form) -> HttpResponse:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")


@workspace_view
def report_csv(request, slug):
    _spec, form, report = _build(request, slug)
    if report is None:
        return _bad_filters(form)
    table = report.table(request.GET.get("table"))
    if table is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    period = form.period
    name = f"{request.workspace.slug}-{table.key}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([escape_formula(c) for c in table.columns])
    writer.writerows([escape_formula(c) for c in row] for row in table.rows)
    return response


@csp_override(CHART_CSP)
@workspace_view
def report_chart(request, slug):
    spec, form, filters = _filters(request, slug)
    if filters is None:
        return _bad_filters(form)
    svg = report_chart_svg(spec, dark=request.GET.get("theme") == "dark", **filters)
    svg = svg_with_nonce(svg, str(get_nonce(request)))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
