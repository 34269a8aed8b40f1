from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONE_CHOICES, Invitation, Membership, User, Workspace
from accounts.outbox import message_queue


class TimeZoneSelect(forms.Select):
    """Every zone a person can choose. The model's CharField would give it a ``maxlength``,
    which is not valid HTML on a <select>."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=TIME_ZONE_CHOICES)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs


class CrispyMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SignupForm(CrispyMixin, forms.Form):
    submit_label = _("Create my account")

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/London"
    )

    def clean_email(self):
        # Whether an account already uses the address is never said here (that would tell
        # anyone who has an account): the address's owner learns it by email.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            probe = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in")))


class AccountSettingsForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "time_zone", "reminder_preference", "color_mode"]
        widgets = {"time_zone": TimeZoneSelect}
        help_texts = {
            "language": _("Pages and emails in this language. Empty: your browser's language."),
            "color_mode": _("Light or dark pages, or whichever your device is set to."),
            "time_zone": _("Every date and time in Infoview is shown in this time zone."),
            "reminder_preference": _("How Infoview emails you about follow-ups that fall due."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Your browser's language")), *settings.LANGUAGES]
        # The callable default would add a hidden "initial-" copy carrying aria-describedby,
        # which is invalid HTML; nothing here needs has_changed().
        self.fields["time_zone"].show_hidden_initial = False
        # Left out (an older form, an API client): keep what the user had.
        self.fields["color_mode"].required = False

    def clean_color_mode(self):
        return self.cleaned_data["color_mode"] or self.instance.color_mode or User.ColorMode.AUTO


class WorkspaceCreateForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Create team workspace")

    class Meta:
        model = Workspace
        fields = ["name", "time_zone"]
        widgets = {"time_zone": TimeZoneSelect}
        labels = {"name": _("Team name")}


class WorkspaceSettingsForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "time_zone", "default_cadence_days", "thank_you_delay_hours"]
        widgets = {"time_zone": TimeZoneSelect}

    def clean_default_cadence_days(self):
        days = self.cleaned_data["default_cadence_days"]
        if not 1 <= days <= 3650:
            raise forms.ValidationError(_("Choose between 1 and 3650 days."))
        return days

    def clean_thank_you_delay_hours(self):
        hours = self.cleaned_data["thank_you_delay_hours"]
        if not 1 <= hours <= 24 * 14:
            raise forms.ValidationError(_("Choose between 1 and 336 hours."))
        return hours


class InvitationForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Send invitation")

    class Meta:
        model = Invitation
        fields = ["email", "role"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(Membership.Role.ADMIN, _("Admin")), (Membership.Role.RECRUITER, _("Recruiter"))]
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email written to the outbox instead of sent in the request,
    in the account's language (the browser's when it chose none).

    A second copy of a reset link is harmless, so an ambiguous send may be repeated once.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        with translation.override(context["user"].language or translation.get_language()):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            text = loader.render_to_string(email_template_name, context)
            html = (
                loader.render_to_string(html_email_template_name, context)
                if html_email_template_name is not None
                else None
            )
        message = EmailMultiAlternatives(subject, text, from_email, [to_email])
        if html is not None:
            message.attach_alternative(html, "text/html")
        message_queue(message=message, kind="password_reset", repeatable=True)
