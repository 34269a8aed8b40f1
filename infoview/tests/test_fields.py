"""infoview.fields writes crispy's Bootstrap 5 markup for plain fields: the same, byte for byte
once whitespace between tags is set aside, for every field of the pages that use it."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from followups.forms import FollowUpForm
from infoview.fields import plain_field_html
from interviews.forms import InterviewForm, NoteForm, PersonToMeetForm, StatusReasonForm
from interviews.tests.factories import make_interview


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
