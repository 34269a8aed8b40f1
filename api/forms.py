from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Workspace
from api.models import ApiToken

LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What it is for, e.g. “Zapier”.")
    )
    workspace = forms.ModelChoiceField(label=_("Workspace"), queryset=Workspace.objects.none())
    scope = forms.ChoiceField(label=_("Access"), choices=ApiToken.Scope.choices)
    days = forms.TypedChoiceField(label=_("Expires in"), choices=LIFETIMES, coerce=int, initial=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = Workspace.objects.filter(
            membership__user=user
        ).order_by("name")
        self.fields["days"].choices = [
            (days, label) for days, label in LIFETIMES if days <= settings.API_TOKEN_MAX_DAYS
        ]

    @property
    def expires_at(self):
        return timezone.now() + timedelta(days=self.cleaned_data["days"])


class RevokeForm(forms.Form):
    token = forms.IntegerField()
