from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import workspace_members
from contacts.models import Contact
from reports.selectors.base import Period
from reports.services import skills_parse

DEFAULT_DAYS = 90
MAX_DAYS = 366 * 5
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class MemberChoiceIterator(forms.models.ModelChoiceIterator):
    """The members read by one plain query. Django's iterator reads them through
    ``QuerySet.iterator()``, on PostgreSQL a server-side cursor: DECLARE, FETCH and CLOSE, three
    round trips on every report page for a handful of people."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for user in self.queryset:
            yield self.choice(user)


class MemberChoiceField(forms.ModelChoiceField):
    iterator = MemberChoiceIterator

    def label_from_instance(self, user):
        return user.name or user.email


class ReportFilterForm(forms.Form):
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD&recruiter=<id>&group=week|month``, all optional."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    recruiter = MemberChoiceField(
        label=_("Recruiter"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All recruiters"),
        error_messages={"invalid_choice": _("That recruiter is not a member of this workspace.")},
    )
    group = forms.ChoiceField(
        label=_("Per"),
        choices=[("week", _("week")), ("month", _("month"))],
        required=False,
    )

    def __init__(self, data, *, workspace, membership, grouped: bool = False):
        super().__init__(data)
        self.workspace, self.membership = workspace, membership
        self.tz = ZoneInfo(workspace.time_zone)
        people = workspace_members(workspace)
        if not membership.is_admin:
            # Recruiters see their own figures only: the only recruiter they may pick is themselves.
            people = people.filter(pk=membership.user_id)
            self.fields["recruiter"].empty_label = None
        self.fields["recruiter"].queryset = people
        if not workspace.is_team:
            del self.fields["recruiter"]
        if not grouped:
            del self.fields["group"]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    @staticmethod
    def default_data(workspace) -> dict:
        """The filters of a report opened without any: its last ``DEFAULT_DAYS`` local days,
        given to the form as if typed, so that the page says what it covers."""
        today = timezone.localtime(timezone.now(), ZoneInfo(workspace.time_zone)).date()
        start = today - timedelta(days=DEFAULT_DAYS - 1)
        return {"start": start.isoformat(), "end": today.isoformat()}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localtime(timezone.now(), self.tz).date()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            raise forms.ValidationError(_("Choose dates between 2000 and 2100."))
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        data["start"], data["end"] = start, end
        data["group"] = data.get("group") or "week"
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"], self.tz)

    @property
    def recruiter_filter(self) -> User | None:
        if not self.workspace.is_team:
            return None
        if not self.membership.is_admin:
            return self.membership.user
        return self.cleaned_data.get("recruiter")


class OpeningForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate skills with commas, e.g. python, data engineering."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))

    def clean_skills(self):
        return skills_parse(self.cleaned_data["skills"])


class TalentSearchForm(forms.Form):
    skills = forms.CharField(label=_("Skills (any of)"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    min_score = forms.TypedChoiceField(
        label=_("Every score at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any"))] + [(n, str(n)) for n in range(1, 6)],
    )
    future = forms.BooleanField(label=_("Consider for future roles"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *Contact.Stage.choices]
        for name, field in self.fields.items():
            if name == "future":
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def clean_skills(self):
        return skills_parse(self.cleaned_data["skills"])
