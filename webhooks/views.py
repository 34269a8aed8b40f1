"""Team admins' pages for webhook endpoints: /w/<ws>/webhooks/..."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import for_workspace, get_for_workspace, workspace_view
from infoview.pagination import query_without_page
from infoview.ratelimit import limited, too_many
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Attempt, Delivery, Endpoint

LOG_PAGE_SIZE = 50


def _endpoint(request, pk) -> Endpoint:
    return get_for_workspace(Endpoint.objects.select_related("workspace"), request.workspace, pk=pk)


@workspace_view(admin=True, team=True)
def endpoint_list(request):
    pending = Count("deliveries", filter=Q(deliveries__state=Delivery.State.PENDING))
    endpoints = (
        for_workspace(Endpoint, request.workspace)
        .select_related("workspace")
        .annotate(pending=pending)
    )
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def endpoint_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                workspace=request.workspace, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Webhook added. Use its signing secret to verify what it receives.")
            )
            return redirect(endpoint.get_absolute_url())
    status = 400 if form.errors else 200
    context = {"form": form, "endpoint": None}
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def endpoint_edit(request, pk):
    endpoint = _endpoint(request, pk)
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect(endpoint.get_absolute_url())
    status = 400 if form.errors else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@workspace_view(admin=True, team=True)
def endpoint_detail(request, pk):
    endpoint = _endpoint(request, pk)
    attempts = (
        Attempt.objects.filter(endpoint=endpoint)
        .select_related("delivery")
        .only(
            "at",
            "status_code",
            "error",
            "duration_ms",
            "delivery__msg_id",
            "delivery__event_type",
            "delivery__state",
        )
    )
    page = Paginator(attempts, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    pending = Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING).count()
    context = {
        "endpoint": endpoint,
        "page": page,
        "pending": pending,
        "query": query_without_page(request),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def endpoint_delete(request, pk):
    endpoint = _endpoint(request, pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint)
        messages.success(request, _("Webhook deleted; nothing more is sent to it."))
        return redirect("webhooks:list", ws=request.workspace.slug)
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@require_POST
@workspace_view(admin=True, team=True)
def endpoint_enable(request, pk):
    endpoint = services.endpoint_enable(endpoint=_endpoint(request, pk))
    messages.success(request, _("Webhook switched back on; waiting events are sent now."))
    return redirect(endpoint.get_absolute_url())


@require_POST
@workspace_view(admin=True, team=True)
def endpoint_test(request, pk):
    endpoint = _endpoint(request, pk)
    current = limited(request, "webhook_test", key=f"{request.user.pk}")
    if current:
        return too_many(request, current)
    try:
        services.endpoint_send_test(endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(endpoint.get_absolute_url())
    messages.success(request, _("Test event queued; its attempt appears in the log below."))
    return redirect(endpoint.get_absolute_url())
