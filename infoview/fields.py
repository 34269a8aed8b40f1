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
    parts.append(_widget_html(bound, {"class": css}))
    if bound.help_text:
        help_id = f'id="{auto_id}_helptext" ' if auto_id else ""
        parts.append(f'<div {help_id}class="form-text">{bound.help_text}</div>')
    parts.append("</div>")
    return "".join(parts)


# What ``BoundField.as_widget`` does, with the widget's own template written directly for the
# commonest widgets (Django's input, textarea, select and option templates, byte for byte):
# through the template engine each widget cost about 0.5 ms of CPU, a select one more per option.
def _widget_html(bound: forms.BoundField, attrs: dict) -> str:
    widget = bound.field.widget
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return widget.render(
        name=bound.html_name,
        value=bound.value(),
        attrs=attrs,
        renderer=_Renderer(bound.form.renderer),
    )


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


class _Renderer:
    """Django's form renderer, but for the templates written here."""

    def __init__(self, fallback):
        self.fallback = fallback

    def render(self, template_name, context, request=None):
        widget = context["widget"]
        if template_name == "django/forms/widgets/input.html":
            value = widget["value"]
            value = "" if value is None else f' value="{_s(value)}"'
            return f'<input type="{_s(widget["type"])}" name="{_s(widget["name"])}"{value}' + (
                f"{_attrs(widget['attrs'])}>"
            )
        if template_name == "django/forms/widgets/textarea.html":
            value = conditional_escape(widget["value"]) if widget["value"] else ""
            name = _s(widget["name"])
            return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
        if template_name == "django/forms/widgets/select.html" and all(
            option["template_name"] == "django/forms/widgets/select_option.html"
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            parts = [f'<select name="{_s(widget["name"])}"{_attrs(widget["attrs"])}>']
            for group_name, options, _index in widget["optgroups"]:
                if group_name:
                    parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
                for option in options:
                    parts.append(
                        f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
                        f"{conditional_escape(option['label'])}</option>\n"  # the file's own
                    )
                if group_name:
                    parts.append("\n  </optgroup>")
            parts.append("\n</select>")
            return "".join(parts)
        return self.fallback.render(template_name, context, request=request)
