"""Likely duplicates and their merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.scoping import get_for_workspace, workspace_view
from contacts import selectors, services
from contacts.models import Contact


@workspace_view
def duplicates(request):
    pairs = selectors.duplicate_pairs(workspace=request.workspace)
    return render(request, "contacts/duplicates.html", {"pairs": pairs})


@require_POST
@workspace_view
def merge(request):
    keep = get_for_workspace(Contact, request.workspace, pk=_int(request.POST.get("keep")))
    other = get_for_workspace(Contact, request.workspace, pk=_int(request.POST.get("other")))
    other_pk = other.pk
    try:
        with transaction.atomic():
            keep = services.contacts_merge(keep=keep, other=other, by=request.user)
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
    messages.success(request, _("Merged into %(name)s.") % {"name": keep})
    if request.POST.get("next") == "duplicates":
        return redirect("contacts:duplicates", ws=request.workspace.slug)
    return redirect(keep)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
