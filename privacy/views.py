import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.scoping import get_for_workspace, workspace_view
from contacts.models import Contact
from infoview.pagination import query_without_page
from privacy import account
from privacy.forms import AccountDeleteForm, AuditFilterForm, LawfulBasisForm, RetentionPolicyForm
from privacy.services import basis, erasure, retention, subject_access

AUDIT_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def privacy_settings(request):
    policy = retention.retention_policy_for(request.workspace)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        if form.is_valid():
            retention.retention_policy_update(workspace=request.workspace, **form.cleaned_data)
            messages.success(request, _("Privacy settings saved."))
            return redirect("privacy:settings", ws=request.workspace.slug)
        return render(request, "privacy/settings.html", {"form": form}, status=400)
    return render(request, "privacy/settings.html", {"form": form})


def _record_labels(workspace, events) -> dict[tuple[str, int], str]:
    """Names for the people on one page of the log (one query); erased people keep only an id."""
    contact_ids = {e.object_id for e in events if e.object_type == "contacts.contact"}
    people = Contact.objects.filter(workspace=workspace, pk__in=contact_ids).only(
        "first_name", "last_name"
    )
    return {("contacts.contact", person.pk): person.full_name for person in people}


@workspace_view(admin=True, team=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None, workspace=request.workspace)
    events = AuditEvent.objects.filter(workspace=request.workspace).order_by("-at", "-pk")
    status = 200
    if form.is_bound:
        events = form.filter(events)
        status = 200 if form.is_valid() else 400
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    records = _record_labels(request.workspace, page.object_list)
    context = {
        "form": form,
        "page": page,
        "rows": [
            (event, form.names.get(event.actor_id), records.get(event.record_key))
            for event in page.object_list
        ],
        "query": query_without_page(request),
    }
    template = "privacy/audit_log.html#results" if request.htmx else "privacy/audit_log.html"
    return render(request, template, context, status=status)


def _contact(request, pk):
    return get_for_workspace(Contact.objects.select_related("workspace"), request.workspace, pk=pk)


def _panel(request, contact, form=None, status=200):
    privacy = basis.contact_privacy_for(contact)
    policy = retention.retention_policy_for(request.workspace)
    context = {
        "contact": contact,
        "privacy": privacy,
        "form": form or LawfulBasisForm(instance=privacy),
        "policy": policy,
        "due_on": (
            retention.retention_due_on(contact, policy.months)
            if policy.enabled and not privacy.anonymised_at
            else None
        ),
    }
    return render(request, "privacy/contact_panel.html", context, status=status)


@workspace_view(team=True)
def contact_panel(request, pk):
    contact = _contact(request, pk)
    audit_record(workspace=request.workspace, actor=request.user, action="viewed", obj=contact)
    return _panel(request, contact)


@require_POST
@workspace_view(team=True)
def contact_basis(request, pk):
    contact = _contact(request, pk)
    form = LawfulBasisForm(request.POST, instance=basis.contact_privacy_for(contact))
    if not form.is_valid():
        return _panel(request, contact, form=form, status=400)
    basis.contact_lawful_basis_set(contact=contact, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Lawful basis saved."))
    return redirect("privacy:contact", ws=request.workspace.slug, pk=contact.pk)


def _export(request, pk):
    contact = _contact(request, pk)
    export = subject_access.contact_subject_access_export(contact=contact)
    audit_record(workspace=request.workspace, actor=request.user, action="exported", obj=contact)
    return contact, export


def _download(content, content_type, contact, extension):
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="contact-{contact.pk}-{stamp}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@workspace_view(admin=True, team=True)
def contact_export_json(request, pk):
    contact, export = _export(request, pk)
    body = json.dumps(export, indent=2, ensure_ascii=False, default=str)
    return _download(body, "application/json; charset=utf-8", contact, "json")


@workspace_view(admin=True, team=True)
def contact_export_csv(request, pk):
    contact, export = _export(request, pk)
    return _download(
        subject_access.subject_access_csv(export), "text/csv; charset=utf-8", contact, "csv"
    )


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def contact_anonymise(request, pk):
    contact = _contact(request, pk)
    if request.method == "GET":
        return render(request, "privacy/contact_anonymise.html", {"contact": contact})
    erasure.contact_anonymise(contact=contact, actor=request.user)
    messages.success(request, _("The contact was anonymised."))
    return redirect("privacy:contact", ws=request.workspace.slug, pk=contact.pk)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def contact_erase(request, pk):
    contact = _contact(request, pk)
    if request.method == "GET":
        return render(request, "privacy/contact_erase.html", {"contact": contact})
    erasure.contact_erase(contact=contact, actor=request.user)
    # No name in the message: it would outlive the person in the session.
    messages.success(request, _("The contact and everything about them were deleted."))
    return redirect("contacts:list", ws=request.workspace.slug)


# --- the user's own data (GDPR): export it, delete the account ----------------------------
# Routed by privacy/account_urls.py under /accounts/, outside any workspace.


@login_required
def account_export(request):
    body = json.dumps(
        account.account_export(user=request.user), indent=2, ensure_ascii=False, default=str
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="infoview-account.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    blockers = account.account_delete_blockers(user=request.user)
    context = {"form": form, "blockers": blockers}
    if request.method == "POST":
        if blockers or not form.is_valid():
            return render(request, "privacy/account_delete.html", context, status=400)
        account.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal network were deleted."))
        return redirect("accounts:login")
    return render(request, "privacy/account_delete.html", context)
