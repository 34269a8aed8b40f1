"""infoview.fields writes crispy's Bootstrap 5 markup for plain fields: the same, byte for byte
once whitespace between tags is set aside, for every field of the pages that use it."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from contacts.forms import ContactFilterForm
from followups.forms import FollowUpForm
from infoview.fields import WidgetRenderer, plain_field_html
from interviews.forms import InterviewForm, NoteForm, PersonToMeetForm, StatusReasonForm
from interviews.tests.factories import make_interview
from reports.forms import ReportFilterForm


def _squeeze(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _forms(workspace, interview, user):
    return [
        StatusReasonForm(),
        NoteForm(interview=interview),
        PersonToMeetForm(),
        InterviewForm(workspace=workspace, user=user),
        FollowUpForm(workspace=workspace),
    ]


@pytest.mark.django_db
def test_it_writes_what_crispy_writes_for_every_plain_field(workspace_a, alice):
    interview = make_interview(workspace=workspace_a, owner=alice)
    compared = 0
    for form in _forms(workspace_a, interview, alice):
        for bound in form:
            ours = plain_field_html(bound)
            if ours is None:
                continue
            # crispy adds classes to the widget as it renders: compare on a fresh form.
            fresh = type(form)(**_kwargs(form, workspace_a, interview, alice))[bound.name]
            assert _squeeze(ours) == _squeeze(as_crispy_field(fresh)), bound.name
            compared += 1
    assert compared >= 12


def _kwargs(form, workspace, interview, user):
    if isinstance(form, NoteForm):
        return {"interview": interview}
    if isinstance(form, InterviewForm):
        return {"workspace": workspace, "user": user}
    if isinstance(form, FollowUpForm):
        return {"workspace": workspace}
    return {}


def test_errors_and_check_boxes_are_left_to_crispy():
    class Form(forms.Form):
        name = forms.CharField()
        agree = forms.BooleanField()

    bound = Form(data={"agree": "on"})
    assert not bound.is_valid()
    assert plain_field_html(bound["name"]) is None  # it has an error
    assert plain_field_html(bound["agree"]) is None  # a check box


# FORM_RENDERER (infoview.fields.WidgetRenderer) writes the commonest widgets itself: what it
# writes must be what Django's templates write, byte for byte, bound or not, in any language.


class _Counting(WidgetRenderer):
    """WidgetRenderer, noting each template it still asks the engine for."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def get_template(self, template_name):
        self.asked.append(template_name)
        return super().get_template(template_name)


def _every_widget_form():
    group = [("x", gettext_lazy("Stage")), ("y", mark_safe("<em>y</em>"))]
    choices = [("", "—"), ("a", 'A & "B"'), ("Group <1>", group)]

    class Everything(forms.Form):
        text = forms.CharField(initial='<b>"Tom" & Jerry</b>', max_length=20, help_text="Help")
        safe = forms.CharField(initial=mark_safe("<i>ok</i>"))
        number = forms.IntegerField(initial=3, min_value=1)
        decimal = forms.DecimalField(initial=Decimal("1234.5"), localize=True)
        email = forms.EmailField(required=False)
        url = forms.URLField(widget=forms.URLInput({"placeholder": "https://…", "data-x": "<>"}))
        password = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="pw")
        hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
        day = forms.DateField(widget=forms.DateInput({"type": "date"}), initial=date(2026, 3, 29))
        at = forms.DateTimeField(initial=datetime(2026, 10, 25, 2, 30))
        time = forms.TimeField(required=False, disabled=True)
        agree = forms.BooleanField(initial=True)
        off = forms.BooleanField(required=False, widget=forms.CheckboxInput({"autofocus": True}))
        body = forms.CharField(widget=forms.Textarea({"rows": 3}), initial="line <1>\nline & 2")
        empty_body = forms.CharField(widget=forms.Textarea, required=False)
        pick = forms.ChoiceField(choices=choices, initial="x")
        many = forms.MultipleChoiceField(choices=choices, initial=["a", "y"])
        numbers = forms.TypedChoiceField(choices=[(1, 1.5), (2, 2)], coerce=int)
        radio = forms.ChoiceField(widget=forms.RadioSelect, choices=choices[1:])
        upload = forms.FileField(required=False)

    return Everything


@pytest.mark.parametrize("language", ["en-gb", "fr"])
@pytest.mark.parametrize("bound", [False, True], ids=["blank", "bound"])
def test_the_form_renderer_writes_what_djangos_widget_templates_write(language, bound):
    form_class = _every_widget_form()
    data = {
        "text": "x" * 30,  # too long: the field has an error
        "number": "0",
        "decimal": "12,5",
        "url": "not a url",
        "day": "2026-13-01",
        "body": "<script>alert(1)</script>",
        "pick": "y",
        "many": ["x", "nope"],
        "numbers": "2",
    }
    ours = _Counting()
    with translation.override(language):
        theirs = form_class(data if bound else None, renderer=DjangoTemplates())
        mine = form_class(data if bound else None, renderer=ours)
        for name in form_class.base_fields:
            assert str(mine[name]) == str(theirs[name]), name
        assert mine.as_div() == theirs.as_div()
    # It wrote the inputs, text areas and plain drop-downs itself: the engine only had the
    # radio buttons, the file input, the drop-down with number labels and the forms' own layout.
    widgets = {name for name in ours.asked if name.startswith("django/forms/widgets/")}
    assert widgets == {
        "django/forms/widgets/radio.html",
        "django/forms/widgets/clearable_file_input.html",
        "django/forms/widgets/select.html",
    }, widgets


@pytest.mark.django_db
def test_the_pages_forms_render_the_same_through_the_form_renderer(workspace_a, alice):
    assert isinstance(get_default_renderer(), WidgetRenderer)  # settings.FORM_RENDERER
    interview = make_interview(workspace=workspace_a, owner=alice)
    membership = Membership.objects.get(workspace=workspace_a, user=alice)
    makers = [
        *(lambda form=form: form for form in _forms(workspace_a, interview, alice)),
        lambda: ContactFilterForm({"q": "a<b", "stage": "met"}, workspace=workspace_a),
        lambda: ReportFilterForm({}, workspace=workspace_a, membership=membership, grouped=True),
    ]
    for make in makers:
        form = make()
        mine = form.as_div()
        form.renderer = DjangoTemplates()
        assert mine == form.as_div(), type(form).__name__
