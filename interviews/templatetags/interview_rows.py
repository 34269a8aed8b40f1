from django import template

from interviews.detail_rows import objectives_html

register = template.Library()


@register.simple_tag(takes_context=True)
def objective_rows(context, objectives):
    """``{% objective_rows objectives %}``: the objectives' list items, written in Python
    (interviews/detail_rows.py) for the page and for its htmx partial alike."""
    return objectives_html(context["request"], objectives)
