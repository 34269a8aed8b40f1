from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership
from accounts.scoping import get_for_workspace, workspace_view
from inbound import services
from inbound.models import DropAddress, InboundMessage, Refusal, UnknownAddress


def _unknown(request, pk) -> UnknownAddress:
    return get_for_workspace(
        UnknownAddress.objects.filter(resolved_at=None), request.workspace, pk=pk
    )


@workspace_view
def inbound_page(request):
    drop = DropAddress.objects.filter(
        user=request.user, workspace=request.workspace, revoked_at=None
    ).first()
    unknown = UnknownAddress.objects.filter(workspace=request.workspace, resolved_at=None)[:100]
    refusals = (
        Refusal.objects.filter(drop__user=request.user, drop__workspace=request.workspace)
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("reason")
    )
    labels = dict(Refusal.Reason.choices)
    context = {
        "drop": drop,
        "unknown": unknown,
        "refusals": [(labels[r["reason"]], r["count"]) for r in refusals],
        "logged": InboundMessage.objects.filter(
            workspace=request.workspace, user=request.user
        ).count(),
    }
    return render(request, "inbound/inbound.html", context)


@require_POST
@workspace_view
def drop_address_rotate(request):
    had_one = DropAddress.objects.filter(
        user=request.user, workspace=request.workspace, revoked_at=None
    ).exists()
    services.drop_address_rotate(user=request.user, workspace=request.workspace)
    if had_one:
        messages.success(request, _("Your BCC address is new; mail to the old one is dropped."))
    else:
        messages.success(request, _("Your BCC address is ready."))
    if request.POST.get("next") == "settings":
        return redirect("accounts:settings")
    return redirect("inbound:page", ws=request.workspace.slug)


@require_POST
@workspace_view
def unknown_add(request, pk):
    unknown = _unknown(request, pk)
    contact = services.unknown_address_add(unknown=unknown, by=request.user)
    if contact is None:
        messages.info(request, _("That address cannot be added."))
        return redirect("inbound:page", ws=request.workspace.slug)
    messages.success(request, _("%(name)s is now a contact.") % {"name": contact})
    return redirect("inbound:page", ws=request.workspace.slug)


@require_POST
@workspace_view
def unknown_dismiss(request, pk):
    services.unknown_address_dismiss(unknown=_unknown(request, pk))
    return redirect("inbound:page", ws=request.workspace.slug)


def account_settings_section(request) -> str:
    """The user's BCC addresses, one per workspace, on the Account settings page."""
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")
    drops = {
        d.workspace_id: d for d in DropAddress.objects.filter(user=request.user, revoked_at=None)
    }
    rows = [
        (m.workspace, drops.get(m.workspace_id)) for m in memberships.order_by("workspace__name")
    ]
    return render_to_string("inbound/_settings_section.html", {"rows": rows}, request=request)
