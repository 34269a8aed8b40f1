"""infoview.widgets.FixedChoiceField: one list of choices shared by every form, not copied."""

from django import forms

from infoview.widgets import FixedChoiceField
from interviews.forms import InterviewForm

ZONES = [("Europe/Paris", "Europe/Paris"), ("Pacific/Auckland", "Pacific/Auckland")]


class _Form(forms.Form):
    zone = FixedChoiceField(choices=ZONES)


def test_forms_share_the_list_and_still_validate_against_it():
    first, second = _Form({"zone": "Europe/Paris"}), _Form({"zone": "Mars/Olympus"})
    assert first.fields["zone"] is not _Form.base_fields["zone"]  # each form has its field
    assert first.fields["zone"].choices is second.fields["zone"].choices  # and one list
    assert first.is_valid()
    assert not second.is_valid() and "zone" in second.errors
    assert 'value="Pacific/Auckland"' in str(first["zone"])


def test_a_form_that_sets_its_own_choices_changes_no_other_form():
    narrowed = _Form({"zone": "Pacific/Auckland"})
    narrowed.fields["zone"].choices = ZONES[:1]
    assert not narrowed.is_valid()
    assert _Form({"zone": "Pacific/Auckland"}).is_valid()
    assert _Form.base_fields["zone"].choices == ZONES


def test_the_scheduling_forms_time_zones_are_shared():
    base = InterviewForm.base_fields["time_zone"]
    assert isinstance(base, FixedChoiceField)
    assert len(base.choices) > 400
