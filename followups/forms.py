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
        widgets = {"due_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        use_contact_picker(
            self.fields["contact"],
            workspace=workspace,
            queryset=Contact.objects.filter(workspace=workspace, archived_at=None),
        )
        self.fields["due_at"].initial = timezone.localtime() + timedelta(days=1)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add follow-up")))


class DoneForm(forms.Form):
    """Marked done after doing it elsewhere (LinkedIn, a call, in person...)."""

    channel = forms.ChoiceField(
        label=_("How"), choices=[("", "—"), *FollowUp.Channel.choices], required=False
    )
    message = forms.CharField(label=_("What you said"), widget=forms.Textarea, required=False)


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        coerce=int, choices=[(1, _("1 day")), (3, _("3 days")), (7, _("1 week"))]
    )


class SendForm(forms.Form):
    to = forms.EmailField(label=_("To"))
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        if contact.emails:
            self.fields["to"] = forms.ChoiceField(
                label=_("To"), choices=[(email, email) for email in contact.emails]
            )


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
