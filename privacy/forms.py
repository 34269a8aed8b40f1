from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from accounts.selectors import workspace_members
from privacy.models import ContactPrivacy, RetentionPolicy


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["enabled", "months", "privacy_notice_url"]
        widgets = {"months": forms.NumberInput(attrs={"min": 1, "max": 240})}

    def clean_months(self):
        months = self.cleaned_data["months"]
        if not 1 <= months <= 240:
            raise forms.ValidationError(_("Choose between 1 and 240 months."))
        return months


class LawfulBasisForm(forms.ModelForm):
    consent_at = forms.DateTimeField(
        label=_("Consent given on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    class Meta:
        model = ContactPrivacy
        fields = ["lawful_basis", "consent_at"]

    def clean(self):
        data = super().clean()
        if data.get("lawful_basis") == ContactPrivacy.LawfulBasis.CONSENT and not data.get(
            "consent_at"
        ):
            self.add_error("consent_at", _("Say when the person gave their consent."))
        return data


class AuditFilterForm(forms.Form):
    """Filters of the audit log; the actor choices are the workspace's own members."""

    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditEvent.Action.choices],
    )
    actor = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=_("Record"), required=False)
    object_id = forms.IntegerField(label=_("Record id"), required=False, min_value=1)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    OBJECT_TYPES = [
        ("", _("Any record")),
        ("contacts.contact", _("Contact")),
        ("interviews.interview", _("Interview")),
        ("followups.followup", _("Follow-up")),
    ]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = {user.pk: user.name or user.email for user in workspace_members(workspace)}
        self.fields["actor"].choices = [
            ("", _("Anyone")),
            *sorted(self.names.items(), key=lambda item: item[1].lower()),
        ]
        self.fields["object_type"].choices = self.OBJECT_TYPES
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def filter(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_id=data["actor"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        return events


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password"].widget.attrs["class"] = "form-control"

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
