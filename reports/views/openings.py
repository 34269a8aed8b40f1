from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import get_for_workspace, workspace_view
from contacts.models import Contact
from reports import services
from reports.forms import OpeningForm, TalentSearchForm
from reports.models import Opening, ShortlistEntry
from reports.pool_rows import PoolLabels, pool_row_html
from reports.selectors.talent import openings_list, shortlist_of, talent_pool


@workspace_view(team=True)
def opening_list(request):
    context = {
        "workspace": request.workspace,
        "openings": openings_list(workspace=request.workspace),
        "form": OpeningForm(),
    }
    return TemplateResponse(request, "reports/opening_list.html", context)


@require_POST
@workspace_view(team=True)
def opening_create(request):
    form = OpeningForm(request.POST)
    if form.is_valid():
        try:
            opening = services.opening_create(
                workspace=request.workspace, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Opening created: now search the talent pool."))
            return redirect(opening)
    context = {
        "workspace": request.workspace,
        "openings": openings_list(workspace=request.workspace),
        "form": form,
    }
    return TemplateResponse(request, "reports/opening_list.html", context, status=400)


@workspace_view(team=True)
def opening_detail(request, pk):
    opening = get_for_workspace(Opening, request.workspace, pk=pk)
    initial = {"skills": ", ".join(opening.skills)}
    search = TalentSearchForm(request.GET or initial)
    status, pool = 200, []
    if request.GET and not search.is_valid():
        status = 400
    else:
        data = search.cleaned_data if request.GET else {"skills": opening.skills}
        pool = talent_pool(
            workspace=request.workspace,
            skills=data.get("skills") or None,
            stage=data.get("stage") or "",
            min_score=data.get("min_score"),
            future_only=bool(data.get("future")),
            opening=opening,
        )
    labels = PoolLabels(request, opening)
    context = {
        "workspace": request.workspace,
        "opening": opening,
        "search": search,
        "pool": pool,
        "pool_rows": [pool_row_html(contact, labels) for contact in pool],
        "shortlist": shortlist_of(opening=opening),
    }
    return TemplateResponse(request, "reports/opening_detail.html", context, status=status)


@require_POST
@workspace_view(team=True)
def shortlist_add(request, pk):
    opening = get_for_workspace(Opening, request.workspace, pk=pk)
    contact_id = request.POST.get("contact", "")
    if not contact_id.isdigit():
        return HttpResponseBadRequest(_("Choose a contact to add."))
    contact = get_for_workspace(Contact, request.workspace, pk=int(contact_id))
    services.shortlist_add(opening=opening, contact=contact, added_by=request.user)
    messages.success(request, _("%(name)s is on the shortlist.") % {"name": contact.full_name})
    return redirect(opening)


@require_POST
@workspace_view(team=True)
def shortlist_remove(request, pk):
    entry = get_for_workspace(
        ShortlistEntry.objects.select_related("opening"), request.workspace, pk=pk
    )
    services.shortlist_remove(entry=entry)
    return redirect(entry.opening)


@require_POST
@workspace_view(team=True)
def shortlist_referral(request, pk):
    entry = get_for_workspace(
        ShortlistEntry.objects.select_related("opening", "contact"), request.workspace, pk=pk
    )
    followup = services.shortlist_ask_referral(entry=entry, owner=request.user)
    messages.success(
        request,
        _("A follow-up to ask %(name)s for a referral is open.")
        % {"name": entry.contact.full_name},
    )
    return redirect(followup)
