"""Companies and their people."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import get_for_workspace, workspace_view
from contacts import selectors, services
from contacts.forms import CompanyForm
from contacts.models import Company


@workspace_view
def company_list(request):
    q = request.GET.get("q", "")
    companies = selectors.company_list(workspace=request.workspace, q=q)
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(request, "contacts/company_list.html", {"page": page, "q": q})


@workspace_view
def company_detail(request, pk):
    company = get_for_workspace(Company, request.workspace, pk=pk)
    people = company.people.filter(archived_at__isnull=True).select_related("owner")
    return render(
        request,
        "contacts/company_detail.html",
        {"company": company, "people": people.order_by("last_name", "first_name")},
    )


@workspace_view
@require_http_methods(["GET", "POST"])
def company_create(request):
    form = CompanyForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST":
        if form.is_valid():
            company = services.company_create(workspace=request.workspace, **form.cleaned_data)
            messages.success(request, _("%(name)s is added.") % {"name": company})
            return redirect(company)
        return _form_page(request, form, _("New company"), status=400)
    return _form_page(request, form, _("New company"))


@workspace_view
@require_http_methods(["GET", "POST"])
def company_edit(request, pk):
    company = get_for_workspace(Company, request.workspace, pk=pk)
    form = CompanyForm(request.POST or None, instance=company, workspace=request.workspace)
    title = _("Edit %(name)s") % {"name": company}
    if request.method == "POST":
        if form.is_valid():
            services.company_update(company=company, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(company)
        return _form_page(request, form, title, status=400)
    return _form_page(request, form, title)


def _form_page(request, form, title, status=200):
    return render(
        request, "components/form_page.html", {"form": form, "page_title": title}, status=status
    )
