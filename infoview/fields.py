"""A form field in django-crispy-forms' Bootstrap 5 markup, without crispy's templates.

``{{ form.field|as_crispy_field }}`` renders a field through five nested templates and costs
about 1 ms of CPU: the interview page's eight fields were a third of its time. For the plain
cases (a text input, a text area, a drop-down; no errors yet, no help text in a fieldset) the
markup is a label, the widget with crispy's classes, the help text: written here directly, the
same markup with the same classes and ids (``infoview/tests/test_fields.py`` compares the two).
Everything else (errors, check boxes, radio buttons, files, multi-widgets) returns None, and the
caller falls back to crispy.
"""

from html import escape

from django import forms
from django.forms.renderers import DjangoTemplates
from django.middleware.csrf import get_token
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_CRISPY_ONLY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
    forms.HiddenInput,
)


def plain_field_html(bound: forms.BoundField) -> str | None:
    widget = bound.field.widget
    if (
        bound.errors
        or bound.is_hidden
        or isinstance(widget, _CRISPY_ONLY)
        or hasattr(widget, "widget")
        or bound.use_fieldset
    ):
        return None
    # crispy's class rules: the widget's own classes, its class name, then Bootstrap's.
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:
        css += f" {name}"
    for extra in ("form-select" if isinstance(widget, forms.Select) else "form-control").split():
        if extra not in css.split():
            css += f" {extra}"
    auto_id = bound.auto_id
    required = bound.field.required
    wrapper = "mb-3" + (f" {bound.css_classes()}" if bound.css_classes() else "")
    parts = [f'<div id="div_{auto_id}" class="{wrapper}">']
    if bound.label:
        target = f'for="{bound.id_for_label}" ' if bound.id_for_label else ""
        parts.append(
            f'<label {target}class="form-label{" requiredField" if required else ""}">'
            f"{escape(str(bound.label))}"
            f"{'<span class="asteriskField">*</span>' if required else ''}</label>"
        )
    # The widget itself through FORM_RENDERER (WidgetRenderer, below).
    parts.append(bound.as_widget(attrs={"class": css}))
    if bound.help_text:
        help_id = f'id="{auto_id}_helptext" ' if auto_id else ""
        parts.append(f'<div {help_id}class="form-text">{bound.help_text}</div>')
    parts.append("</div>")
    return "".join(parts)


def _s(value) -> str:
    """``{{ value|stringformat:'s' }}``: text, escaped unless it is marked safe."""
    return conditional_escape(value) if isinstance(value, SafeData) else escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {name}" if value is True else f' {name}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Django's input.html and the widget templates that only include it.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
        "time", "search", "tel", "color", "checkbox",
    )
)  # fmt: skip


class WidgetRenderer(DjangoTemplates):
    """Django's form renderer (``FORM_RENDERER``), with the commonest widget templates written
    here: inputs, text areas, drop-downs of plain options. The output is the templates', byte
    for byte (``infoview/tests/test_fields.py`` renders every widget both ways); everything else
    (radio buttons, files, forms' and fields' own templates) goes through the engine."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None:
            html = _widget_markup(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


def _widget_markup(template_name: str, widget: dict) -> str | None:
    if template_name in _INPUT_TEMPLATES:
        value = widget["value"]
        value = "" if value is None else f' value="{_s(value)}"'
        return f'<input type="{_s(widget["type"])}" name="{_s(widget["name"])}"{value}' + (
            f"{_attrs(widget['attrs'])}>"
        )
    if template_name == "django/forms/widgets/textarea.html":
        value = conditional_escape(widget["value"]) if widget["value"] else ""
        return (
            f'<textarea name="{_s(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
        )
    if template_name == "django/forms/widgets/select.html":
        options = [option for _name, group, _index in widget["optgroups"] for option in group]
        if not all(_plain_option(option) for option in options):
            return None
        parts = [f'<select name="{_s(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group:
                parts.append(
                    f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"  # the file's own
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
    return None


def _plain_option(option: dict) -> bool:
    # The template localizes a label that is a number or a date ({{ widget.label }}): text only.
    return option["template_name"] == "django/forms/widgets/select_option.html" and isinstance(
        option["label"], str | Promise
    )


def csrf_input(request) -> str:
    """What ``{% csrf_token %}`` writes, for rows and forms written in Python."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
