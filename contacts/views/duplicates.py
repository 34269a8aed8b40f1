"""Likely duplicates and their merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.scoping import get_for_workspace, workspace_view
from contacts import merging, selectors
from contacts.models import Contact, MergeUndo


@workspace_view
def duplicates(request):
    pairs = selectors.duplicate_pairs(workspace=request.workspace)
    return render(request, "contacts/duplicates.html", {"pairs": pairs})


@require_http_methods(["GET", "POST"])
@workspace_view
def merge(request):
    """GET: what merging the two would do, and a button; POST: merge (undoable for an hour)."""
    data = request.POST if request.method == "POST" else request.GET
    keep = get_for_workspace(Contact, request.workspace, pk=_int(data.get("keep")))
    other = get_for_workspace(Contact, request.workspace, pk=_int(data.get("other")))
    if request.method == "GET":
        context = {"keep": keep, "other": other, "next": data.get("next", "")}
        return render(request, "contacts/merge_confirm.html", context)
    other_pk = other.pk
    try:
        with transaction.atomic():
            keep = merging.contacts_merge(keep=keep, other=other, by=request.user)
            for pk in (keep.pk, other_pk):
                audit_record(
                    workspace=request.workspace,
                    actor=request.user,
                    action="merged",
                    object_type="contacts.contact",
                    object_id=pk,
                )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("contacts:duplicates", ws=request.workspace.slug)
    messages.success(
        request,
        _("Merged into %(name)s. You can undo it on their page for an hour.") % {"name": keep},
    )
    if data.get("next") == "duplicates":
        return redirect("contacts:duplicates", ws=request.workspace.slug)
    return redirect(keep)


@require_POST
@workspace_view
def merge_undo(request, pk):
    undo = get_for_workspace(MergeUndo, request.workspace, pk=pk)
    try:
        keep, other = merging.contacts_merge_undo(undo=undo)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("contacts:list", ws=request.workspace.slug)
    for person in (keep, other):
        audit_record(workspace=request.workspace, actor=request.user, action="changed", obj=person)
    messages.success(
        request, _("The merge is undone: %(name)s is back.") % {"name": other.full_name}
    )
    return redirect(keep)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
