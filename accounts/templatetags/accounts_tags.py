import threading
from collections import OrderedDict

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts import idempotency
from infoview.fields import plain_field_html

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    """A hidden field with a fresh one-time token: the form's effect happens once."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_token()
    )


@register.filter
def as_field(field):
    """``|as_crispy_field``'s markup, written directly for the plain cases (infoview/fields.py)."""
    html = plain_field_html(field)
    if html is None:
        return as_crispy_field(field)
    return mark_safe(html)  # noqa: S308 - labels are escaped there, widgets render themselves


# The signed-in header (components/main_nav.html) is the same markup for everyone who has the
# same name, workspaces, roles and language: rendered through the engine it was a quarter of the
# floor page's time. It is rendered once per distinct input and kept in the process, with the
# request's own CSRF token swapped in. The key holds every value the template reads, so a
# rename, a new role or another language is simply another key; nothing is invalidated.
_NAV_TEMPLATE = "components/main_nav.html"
_NAV_KEPT = 512
_navs: OrderedDict[tuple, str] = OrderedDict()
_navs_lock = threading.Lock()
# Rendered in place of the request's token: letters only, so escaping leaves it as it is, and
# the whole hidden input cannot come out of escaped text (which holds no raw '<').
_TOKEN = "mainnavcsrftoken"  # noqa: S105 - a placeholder, not a secret
_TOKEN_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_TOKEN}">'


def _nav_key(user, workspace, membership, memberships) -> tuple:
    def ws(w):
        return None if w is None else (w.pk, w.slug, w.name, w.kind)

    return (
        get_language(),
        get_script_prefix(),
        user.pk,
        user.get_short_name(),
        ws(workspace),
        None if membership is None else membership.is_admin,
        tuple((ws(m.workspace), m.role, m.workspace == workspace) for m in memberships),
    )


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The signed-in header: the workspace's sections, the switcher, the account menu."""
    user = context["user"]
    workspace = context.get("current_workspace")
    membership = context.get("current_membership")
    memberships = context.get("my_memberships") or ()
    if callable(memberships):
        memberships = memberships()
    key = _nav_key(user, workspace, membership, memberships)
    with _navs_lock:
        html = _navs.get(key)
        if html is not None:
            _navs.move_to_end(key)
    if html is None:
        html = get_template(_NAV_TEMPLATE).render(
            {
                "user": user,
                "current_workspace": workspace,
                "current_membership": membership,
                "my_memberships": memberships,
                "csrf_token": _TOKEN,
            }
        )
        with _navs_lock:
            _navs[key] = html
            while len(_navs) > _NAV_KEPT:
                _navs.popitem(last=False)
    # As {% csrf_token %} writes it: nothing when the page has no token.
    token = context.get("csrf_token")
    field = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"  # noqa: S105 - Django's marker for "no token"
        else ""
    )
    return mark_safe(html.replace(_TOKEN_INPUT, field))  # noqa: S308 - rendered with autoescape
