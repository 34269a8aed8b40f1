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
    parts.append(bound.as_widget(attrs={"class": css}))
    if bound.help_text:
        help_id = f'id="{auto_id}_helptext" ' if auto_id else ""
        parts.append(f'<div {help_id}class="form-text">{bound.help_text}</div>')
    parts.append("</div>")
    return "".join(parts)
