from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import idempotency, lockout, selectors, services, settings_sections
from accounts.forms import (
    AccountSettingsForm,
    InvitationForm,
    LoginForm,
    RoleForm,
    SignupForm,
    WorkspaceCreateForm,
    WorkspaceSettingsForm,
)
from accounts.models import Invitation, Membership, OutgoingMessage, Workspace
from accounts.scoping import for_workspace, get_for_workspace, workspace_view
from infoview.pagination import query_without_page

BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.user_signup_request(
                email=data["email"],
                name=data["name"],
                password=data["password1"],
                time_zone=data["time_zone"],
                next_url=request.POST.get("next", ""),
            )
            return redirect("accounts:signup_sent")
        return render(request, "accounts/signup.html", {"form": form}, status=400)
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


def signup_confirm(request, uidb64, token):
    user = services.user_signup_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/signup_confirm_invalid.html", status=404)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Welcome to Infoview. This is your personal workspace."))
    next_url = services.safe_next(request.GET.get("next", ""))
    return redirect(next_url or user.last_workspace)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Known from now on: the log-in lock never holds this browser up for this account.
        lockout.remember_device(self.request, response, form.get_user().email)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they read the account's email ends its log-in cool-off.
        lockout.account_unlock(email=form.user.email)
        return response


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            if "name" in form.changed_data:
                services.member_renamed(user=user)
            # Say so in the language just chosen.
            translation.activate(user.language or get_language_from_request(request))
            messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
        return render(request, "accounts/settings.html", {"form": form}, status=400)
    sections = settings_sections.render_all(request)
    return render(request, "accounts/settings.html", {"form": form, "sections": sections})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(token=token)
    invitation = invitation.first()
    problem = None
    if invitation is None:
        problem, status = _("This invitation link is not valid."), 404
    elif invitation.is_used:
        problem, status = _("This invitation has already been used."), 410
    elif invitation.is_expired:
        problem = _("This invitation has expired. Ask the team's admin for a new one.")
        status = 410
    if problem:
        return render(request, "accounts/invitation.html", {"problem": problem}, status=status)

    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationError as error:
            return render(
                request,
                "accounts/invitation.html",
                {"invitation": invitation, "problem": str(error)},
                status=403,
            )
        messages.success(request, _("You joined %(name)s.") % {"name": membership.workspace})
        return redirect(membership.workspace)
    return render(request, "accounts/invitation.html", {"invitation": invitation})


def _login_url():
    return reverse("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create(request):
    form = WorkspaceCreateForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST":
        if form.is_valid():
            workspace = services.workspace_create(
                name=form.cleaned_data["name"],
                kind=Workspace.Kind.TEAM,
                creator=request.user,
                time_zone=form.cleaned_data["time_zone"],
            )
            messages.success(
                request, _("%(name)s is ready. Invite your team.") % {"name": workspace}
            )
            return redirect("workspace:members", ws=workspace.slug)
        return render(request, "workspaces/create.html", {"form": form}, status=400)
    return render(request, "workspaces/create.html", {"form": form})


@workspace_view(team=True)
def team_members(request):
    memberships = Membership.objects.filter(workspace=request.workspace).select_related("user")
    invitations = selectors.invitations_pending(workspace=request.workspace)
    return render(
        request,
        "workspaces/members.html",
        {
            "memberships": memberships.order_by("user__name"),
            "invitations": invitations,
            "invite_form": InvitationForm(),
            "roles": RoleForm.base_fields["role"].choices,
        },
    )


@require_POST
@workspace_view(admin=True, team=True)
def team_invite(request):
    form = InvitationForm(request.POST)
    key = idempotency.key_from(request, "team-invite")
    if form.is_valid():
        try:
            with transaction.atomic():
                invitation = services.invitation_create(
                    workspace=request.workspace,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    idempotency_key=key,
                )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request, _("Invitation to %(email)s queued.") % {"email": invitation.email}
            )
            return redirect("workspace:members", ws=request.workspace.slug)
    memberships = Membership.objects.filter(workspace=request.workspace).select_related("user")
    return render(
        request,
        "workspaces/members.html",
        {
            "memberships": memberships,
            "invitations": selectors.invitations_pending(workspace=request.workspace),
            "invite_form": form,
            "roles": RoleForm.base_fields["role"].choices,
        },
        status=400,
    )


@require_POST
@workspace_view(admin=True, team=True)
def team_member_role(request, pk):
    membership = get_for_workspace(Membership, request.workspace, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose admin or recruiter."))
        return redirect("workspace:members", ws=request.workspace.slug)
    try:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        return _bounce(request, error.messages[0])
    messages.success(
        request,
        _("%(name)s is now %(role)s.")
        % {"name": membership.user, "role": membership.get_role_display().lower()},
    )
    return redirect("workspace:members", ws=request.workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True, team=True)
def team_member_remove(request, pk):
    membership = get_for_workspace(
        Membership.objects.select_related("user"), request.workspace, pk=pk
    )
    if request.method == "GET":
        return render(request, "workspaces/member_remove.html", {"membership": membership})
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        return _bounce(request, error.messages[0])
    messages.success(request, _("%(name)s was removed from the team.") % {"name": membership.user})
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("workspace:members", ws=request.workspace.slug)


@require_POST
@workspace_view(admin=True, team=True)
def team_invitation_revoke(request, pk):
    invitation = get_for_workspace(Invitation, request.workspace, pk=pk, accepted_at=None)
    invitation.delete()
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("workspace:members", ws=request.workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view(admin=True)
def workspace_settings(request):
    form = WorkspaceSettingsForm(request.POST or None, instance=request.workspace)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Workspace settings saved."))
            return redirect("workspace:settings", ws=request.workspace.slug)
        return render(request, "workspaces/settings.html", {"form": form}, status=400)
    return render(request, "workspaces/settings.html", {"form": form})


def _bounce(request, message):
    """Refuse an admin action with a clear message, changing nothing."""
    messages.error(request, message)
    response = team_members.__wrapped__(request)
    response.status_code = 400
    return response


OUTBOX_PAGE = 50


@workspace_view(admin=True)
def outbox_list(request):
    """Every email of the workspace, newest first: state, attempts, reason and last reply.

    ``?state=failed`` (or pending, sending, sent, unknown) narrows it.
    """
    rows = for_workspace(OutgoingMessage, request.workspace).defer("body", "html", "attachments")
    state = request.GET.get("state")
    if state in OutgoingMessage.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-created_at", "-pk"), OUTBOX_PAGE).get_page(
        request.GET.get("page")
    )
    counts = dict(
        for_workspace(OutgoingMessage, request.workspace)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    states = [
        (value, label, counts.get(value, 0)) for value, label in OutgoingMessage.State.choices
    ]
    return render(
        request,
        "workspaces/outbox.html",
        {"page": page, "state": state, "states": states, "query": query_without_page(request)},
    )
