"""Form widgets for long, fixed choice lists."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A drop-down written with string joins instead of a template per option.

    Django renders each ``<option>`` through the template engine: about 0.05 ms apiece, which
    makes the ~600 time zones of a scheduling form cost more than the rest of the page. The
    output is the same markup, flat choices only (no groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # noqa: S308 - every value is escaped above


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose list is the same for every form (the ~600 time zones).

    Each form deep-copies its fields, and ``ChoiceField`` deep-copies its choices with them:
    for the time zones, 1,800 copied tuples and strings (~1 ms) on every scheduling form, for a
    list nobody changes. Here the forms share it; assign ``choices`` anew to change one form's.
    """

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)  # the widget, messages, validators
        result._choices = self._choices
        return result
