from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
