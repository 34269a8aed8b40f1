"""Account settings → API tokens: make one (its secret shown once), see them, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api import tokens
from api.forms import RevokeForm, TokenForm


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None, user=request.user)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = tokens.token_create(
                user=request.user,
                workspace=form.cleaned_data["workspace"],
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at,
            )
            form = TokenForm(user=request.user)
        else:
            status = 400
    context = {
        "form": form,
        "created": created,
        "tokens": tokens.tokens_of(user=request.user),
    }
    response = render(request, "api/token_list.html", context, status=status)
    # The secret is on this page once: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        raise Http404("No such token.")
    # Only the user's own tokens: someone else's id is a 404, like one that does not exist.
    token = tokens.tokens_of(user=request.user).filter(pk=form.cleaned_data["token"]).first()
    if token is None:
        raise Http404("No such token.")
    tokens.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
