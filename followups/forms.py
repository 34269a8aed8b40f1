from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.forms import use_contact_picker
from contacts.models import Contact
from followups import emails
from followups.models import EmailTemplate, FollowUp, Signature


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["contact", "kind", "title", "due_at"]
        # Whole minutes: the browser refuses any value that is not a step of 60 s from the
        # pre-filled one, so a value with seconds could not be changed to a round time.
        widgets = {
            "due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        use_contact_picker(
            self.fields["contact"],
            workspace=workspace,
            queryset=Contact.objects.filter(workspace=workspace, archived_at=None),
        )
        tomorrow = timezone.localtime() + timedelta(days=1)
        self.fields["due_at"].initial = tomorrow.replace(second=0, microsecond=0)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add follow-up")))


class DoneForm(forms.Form):
    """Marked done after doing it elsewhere (LinkedIn, a call, in person...)."""

    channel = forms.ChoiceField(
        label=_("How"), choices=[("", "—"), *FollowUp.Channel.choices], required=False
    )
    message = forms.CharField(
        label=_("What you said"), max_length=20_000, widget=forms.Textarea, required=False
    )


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        coerce=int, choices=[(1, _("1 day")), (3, _("3 days")), (7, _("1 week"))]
    )


class SendForm(forms.Form):
    # Only the contact's own addresses: a free "To" would make Infoview a relay that mails
    # anyone "via Infoview".
    to = forms.ChoiceField(label=_("To"), choices=[])
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 14})
    )

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(email, email) for email in contact.emails]
        if not contact.emails:
            self.fields["to"].help_text = _(
                "This contact has no email address: add one to the contact first."
            )

    def clean_to(self):
        if not self.fields["to"].choices:
            raise forms.ValidationError(
                _("This contact has no email address: add one to the contact first.")
            )
        return self.cleaned_data["to"]

    def clean_subject(self):
        # A line break in a subject would end the header; one line of plain words is sent.
        return " ".join(self.cleaned_data["subject"].split())


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["kind", "name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.workspace = workspace
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save template")))

    def _check(self, name):
        source = self.cleaned_data[name]
        error = emails.check(source)
        if error:
            raise forms.ValidationError(
                _("This template has an error: %(error)s"), params={"error": error}
            )
        return source

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The form has no workspace field, so Django skips the unique constraint: check it here.
        taken = EmailTemplate.objects.filter(
            workspace=self.instance.workspace, kind=cleaned["kind"], name=cleaned["name"]
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error("name", _("A template of this kind already has this name."))
            return cleaned
        # Errors that only show when rendering (a filter given a wrong argument...).
        sample = {name: str(name).replace("_", " ") for name, _label in emails.VARIABLES}
        draft = emails.render_draft(
            subject=cleaned["subject"], body=cleaned["body"], variables=sample
        )
        if draft.error:
            raise forms.ValidationError(
                _("This template has an error: %(error)s"), params={"error": draft.error}
            )
        return cleaned


class SignatureForm(forms.ModelForm):
    class Meta:
        model = Signature
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
