import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONE_CHOICES
from accounts.selectors import workspace_member_labels, workspace_members
from contacts.forms import use_contact_picker
from contacts.models import Contact
from infoview.widgets import FixedChoiceField, PlainSelect
from interviews.models import (
    TEAM_ONLY_CATEGORIES,
    Assessment,
    Interview,
    Note,
    Objective,
    PrepTemplateItem,
    Question,
    QuestionCategory,
)
from interviews.timezones import (
    EARLIER,
    LATER,
    AmbiguousLocalTime,
    NonexistentLocalTime,
    make_aware,
)

DEFAULT_DURATION = 30


class InterviewForm(forms.ModelForm):
    """Scheduling: the time is typed on the clocks of ``time_zone`` and stored as a moment."""

    new_contact_first_name = forms.CharField(
        label=_("Or a new contact: first name"), max_length=100, required=False
    )
    new_contact_last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    new_contact_email = forms.EmailField(label=_("Email address"), required=False)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Starts"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Ends"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = FixedChoiceField(
        label=_("Time zone"), choices=TIME_ZONE_CHOICES, widget=PlainSelect
    )
    fold = forms.ChoiceField(
        label=_("This time happens twice that night. Which one do you mean?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(EARLIER, _("The first")), (LATER, _("The second"))],
    )
    meeting_url = forms.URLField(
        label=_("Meeting link"),
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )

    class Meta:
        model = Interview
        fields = ["contact", "mode", "location", "meeting_url", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, workspace, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.ambiguous = None
        instance = self.instance
        contacts = Contact.objects.filter(workspace=workspace)
        if not instance.pk:
            contacts = contacts.filter(archived_at=None)
        use_contact_picker(self.fields["contact"], workspace=workspace, queryset=contacts)
        self.fields["contact"].required = False
        if instance.pk:
            for name in ("new_contact_first_name", "new_contact_last_name", "new_contact_email"):
                del self.fields[name]
            self.initial["time_zone"] = instance.time_zone
            if instance.starts_at:
                local = instance.planned_start
                self.initial.update(
                    date=local.date(),
                    start_time=local.time(),
                    end_time=instance.ends_at.astimezone(local.tzinfo).time(),
                )
        else:
            self.initial.setdefault("time_zone", user.time_zone or workspace.time_zone)

    def clean(self):
        cleaned = super().clean()
        if (
            "new_contact_first_name" in self.fields
            and not cleaned.get("contact")
            and not cleaned.get("new_contact_first_name")
            and "contact" not in self.errors
        ):
            self.add_error("contact", _("Choose a contact, or give a new contact's name."))
        self._clean_schedule(cleaned)
        return cleaned

    def _clean_schedule(self, cleaned):
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        zone = cleaned.get("time_zone")
        cleaned["starts_at"] = None
        cleaned["duration_minutes"] = self.instance.duration_minutes or DEFAULT_DURATION
        if not day and not start and not end:
            return
        if not day:
            self.add_error("date", _("Give the date as well as the time."))
            return
        if not start:
            self.add_error("start_time", _("Give the time it starts."))
            return
        if not zone:
            return
        if end is not None and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
            return
        fold = cleaned.get("fold") or ""
        starts_at = self._aware(datetime.combine(day, start), zone, fold, "start_time")
        if starts_at is None:
            return
        cleaned["starts_at"] = starts_at
        if end is not None:
            ends_at = self._aware(datetime.combine(day, end), zone, fold, "end_time")
            if ends_at is None:
                return
            if ends_at <= starts_at:
                self.add_error("end_time", _("The end must be after the start."))
                return
            cleaned["duration_minutes"] = int((ends_at - starts_at) / timedelta(minutes=1))

    def _aware(self, naive, zone, fold, field):
        when = formats.date_format(naive, "j F Y, H:i")
        try:
            return make_aware(naive, zone, fold)
        except NonexistentLocalTime:
            self.add_error(
                field,
                _(
                    "%(when)s does not exist in %(zone)s: the clocks go forward that night. "
                    "Choose a time before or after the change."
                )
                % {"when": when, "zone": zone},
            )
        except AmbiguousLocalTime as ambiguous:
            self.ambiguous = ambiguous
            local = zoneinfo.ZoneInfo(zone)
            first, second = ambiguous.earlier.astimezone(local), ambiguous.later.astimezone(local)
            self.fields["fold"].choices = [
                (EARLIER, _("The first, %(time)s") % {"time": first.strftime("%H:%M %Z (UTC%z)")}),
                (LATER, _("The second, %(time)s") % {"time": second.strftime("%H:%M %Z (UTC%z)")}),
            ]
            self.add_error(
                "fold",
                _(
                    "%(when)s happens twice in %(zone)s: the clocks go back that night. "
                    "Choose the first or the second."
                )
                % {"when": when, "zone": zone},
            )
        return None


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["text"]


class InsightForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["insight"]


class AnswerForm(forms.Form):
    answer = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class TextAutosaveForm(forms.Form):
    text = forms.CharField(required=False, strip=False, max_length=100_000)


class OneOffQuestionForm(forms.Form):
    text = forms.CharField(label=_("Your own question"), max_length=300)


class PickQuestionsForm(forms.Form):
    questions = forms.ModelMultipleChoiceField(
        label=_("From the question bank"), queryset=Question.objects.none()
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = Question.objects.filter(workspace=workspace)


class BankQuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["category", "text"]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.instance.workspace = workspace
        if not workspace.is_team:
            self.fields["category"].choices = [
                c for c in QuestionCategory.choices if c[0] not in TEAM_ONLY_CATEGORIES
            ]


class PrepItemForm(forms.ModelForm):
    class Meta:
        model = PrepTemplateItem
        fields = ["text"]


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["kind", "objective", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, interview, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["objective"]
        field.queryset = Objective.objects.filter(
            workspace=interview.workspace, interview=interview
        )
        field.required = False
        if objectives is not None:
            # The interview's objectives as its page read them: the menu needs no query of its
            # own (Django's would iterate the queryset through a server-side cursor).
            field.choices = [("", field.empty_label)] + [
                (objective.pk, field.label_from_instance(objective)) for objective in objectives
            ]


class PersonToMeetForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)


class AssessmentForm(forms.ModelForm):
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate them with commas."),
        max_length=1000,
    )

    class Meta:
        model = Assessment
        fields = [
            "passion",
            "motivation",
            "cultural_fit",
            "skills",
            "consider_for_future",
            "roles_in_mind",
            "availability",
        ]
        widgets = {
            "passion": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "motivation": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "cultural_fit": forms.RadioSelect(choices=[(i, i) for i in range(1, 6)]),
            "roles_in_mind": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["skills"] = ", ".join(self.instance.skills)

    def clean_skills(self):
        raw = self.cleaned_data["skills"]
        return [part.strip().lower() for part in raw.split(",") if part.strip()]


class InterviewFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )
    # The list's filter menus are written by string joins (PlainSelect), not a template per
    # option: the same menus, a fraction of the list page's CPU.
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Interview.Status.choices],
        widget=PlainSelect,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=get_user_model().objects.none(),
        widget=PlainSelect,
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), required=False, queryset=Contact.objects.none()
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = workspace_members(workspace)
        owner.empty_label = _("Anyone")
        if workspace.is_team:
            # The members read once into the menu: Django's own iterates the queryset through
            # a server-side cursor (DECLARE, FETCH, CLOSE) on every render.
            owner.choices = [("", owner.empty_label), *workspace_member_labels(workspace)]
        use_contact_picker(
            self.fields["contact"],
            workspace=workspace,
            queryset=Contact.objects.filter(workspace=workspace),
        )
        if not workspace.is_team:
            del self.fields["owner"]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
