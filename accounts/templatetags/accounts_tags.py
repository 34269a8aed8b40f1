from django import template
from django.utils.html import format_html

from accounts import idempotency

register = template.Library()


@register.simple_tag
def idempotency_field() -> str:
    """A hidden field with a fresh one-time token: the form's effect happens once."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_token()
    )
