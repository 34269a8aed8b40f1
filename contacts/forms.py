import html

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.selectors import workspace_members
from contacts import services
from contacts.models import CADENCE_PRESETS, Company, Contact, Tag

# The most options a filter drop-down lists; a longer list gives way to the search box.
FILTER_OPTIONS = 50


def options_html(options, selected: str) -> str:
    # Plain html.escape: Django's escape() is lazy-aware and costs ~10x more per call, which
    # shows with hundreds of companies on every keystroke of the live search.
    return mark_safe(  # noqa: S308 - every value and label is escaped just here
        "".join(
            f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>'
            f"{html.escape(str(label))}</option>"
            for value, label in options
        )
    )


class ContactPickerWidget(forms.Widget):
    """A search box instead of a drop-down of every contact (there may be tens of thousands)."""

    template_name = "contacts/widgets/contact_picker.html"

    def __init__(self, *args, picker_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.picker_url = picker_url
        self.queryset = Contact.objects.none()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = ""
        # The value comes back as typed when the form is refused: only a number is an id.
        if value is not None and str(value).strip().isdigit() and len(str(value).strip()) < 19:
            pk = int(str(value).strip())
            contact = self.queryset.filter(pk=pk).only("first_name", "last_name").first()
            chosen = contact.full_name if contact else ""
        context["widget"].update({"picker_url": self.picker_url, "chosen": chosen})
        return context


def use_contact_picker(field: forms.ModelChoiceField, *, workspace, queryset) -> None:
    """Narrow a contact field to ``queryset`` and show it as the search-as-you-type picker.

    The picker's results come from the workspace's active contacts (``contacts:picker``); the
    field still validates the chosen id against ``queryset``.
    """
    field.queryset = queryset
    field.widget = ContactPickerWidget(
        picker_url=reverse("contacts:picker", kwargs={"ws": workspace.slug})
    )
    field.widget.queryset = queryset


class ContactForm(forms.ModelForm):
    """Edits a person; the view hands ``cleaned_data`` to ``contact_create``/``contact_update``."""

    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        help_text=_("One or more, separated by commas."),
    )
    company_name = forms.CharField(
        label=_("Company"),
        required=False,
        max_length=200,
        help_text=_("A new name creates the company."),
    )
    tag_names = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas.")
    )
    cadence_days = forms.TypedChoiceField(
        label=_("Keep in touch"), choices=CADENCE_PRESETS, coerce=int
    )

    same_person_ok = forms.BooleanField(
        label=_("Add anyway: this is another person with the same address"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "title",
            "phone",
            "location",
            "linkedin_url",
            "source",
            "connected_on",
            "introduced_by",
            "owner",
            "cadence_days",
            "stage",
            "summary",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "connected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        others = Contact.objects.filter(workspace=workspace, archived_at__isnull=True)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.initial.setdefault("emails", ", ".join(self.instance.emails))
            self.initial.setdefault(
                "company_name", self.instance.company.name if self.instance.company else ""
            )
            self.initial.setdefault(
                "tag_names", ", ".join(t.name for t in self.instance.tags.all())
            )
        else:
            self.initial.setdefault("cadence_days", workspace.default_cadence_days)
            self.initial.setdefault("stage", Contact.Stage.NEW)
        use_contact_picker(self.fields["introduced_by"], workspace=workspace, queryset=others)
        self.fields["owner"].queryset = workspace_members(workspace)
        if workspace.is_team:
            self.fields["stage"].required = True
        else:
            del self.fields["stage"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            "emails",
            Row(Column("title"), Column("company_name")),
            Row(Column("phone"), Column("location")),
            "linkedin_url",
            Row(Column("source"), Column("introduced_by"), Column("connected_on")),
            Row(Column("owner"), Column("cadence_days"))
            if not workspace.is_team
            else Row(Column("owner"), Column("cadence_days"), Column("stage")),
            "tag_names",
            "summary",
            "same_person_ok",
        )
        self.helper.add_input(Submit("submit", _("Save")))
        self.duplicates: list[Contact] = []

    def clean_emails(self):
        try:
            return services.normalise_emails(self.cleaned_data["emails"])
        except ValidationError as error:
            raise ValidationError(_("Enter valid email addresses, separated by commas.")) from error

    def clean(self):
        cleaned = super().clean()
        emails = cleaned.get("emails") or []
        if emails and not cleaned.get("same_person_ok"):
            same = Contact.objects.filter(workspace=self.workspace, emails__overlap=emails)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            self.duplicates = list(same.order_by("pk")[:5])
            if self.duplicates:
                # Now there is something to confirm: offer the box.
                self.fields["same_person_ok"].widget = forms.CheckboxInput()
                raise ValidationError(
                    _(
                        "A contact with this email address already exists. Open them below, "
                        "or tick “Add anyway” if this is another person."
                    )
                )
        return cleaned

    def clean_linkedin_url(self):
        return services.normalise_linkedin(self.cleaned_data["linkedin_url"])

    def clean_tag_names(self):
        return services.split_tags(self.cleaned_data["tag_names"])

    def service_fields(self) -> dict:
        """``cleaned_data`` as the services take it (company and tags made when missing)."""
        data = dict(self.cleaned_data)
        data.pop("same_person_ok", None)
        data["company"] = services.company_for_name(
            workspace=self.workspace, name=data.pop("company_name")
        )
        data["tags"] = services.tags_for_names(
            workspace=self.workspace, names=data.pop("tag_names")
        )
        return data


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    # The querysets are the workspace's own, set in __init__.
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=None, required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    company = forms.ModelChoiceField(label=_("Company"), queryset=None, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("How we met"), required=False)
    overdue = forms.BooleanField(label=_("Overdue for keep-in-touch"), required=False)
    archived = forms.BooleanField(label=_("Archived"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match")),
            ("name", _("Name")),
            ("company", _("Company")),
            ("-last_interaction", _("Recently in touch")),
            ("last_interaction", _("Longest without contact")),
            ("-created", _("Newest")),
        ],
    )

    def __init__(self, *args, workspace, menus=None, **kwargs):
        """``menus``: the members, tags and companies when the caller has read them already
        (``contacts.selectors.contact_list_menus``, which the list's bulk owner menu needs too):
        the drop-downs then need no query of their own."""
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.menus = menus
        # The workspace's rows only, to check a chosen value, and to list the choices when the
        # caller has not read them: with ``menus`` and nothing chosen, no queryset is built
        # (three on every request of the list, a third of the form's CPU).
        scoped = {
            "tag": lambda: Tag.objects.filter(workspace=workspace),
            "company": lambda: Company.objects.filter(workspace=workspace),
            "owner": lambda: workspace_members(workspace),
        }
        for name, queryset in scoped.items():
            if menus is None or self.data.get(name):
                self.fields[name].queryset = queryset()
        self.fields["stage"].choices = [("", _("Any stage")), *Contact.Stage.choices]
        self.fields["source"].choices = [("", _("Any source")), *Contact.Source.choices]
        if not workspace.is_team:
            del self.fields["stage"]
        for name in ("tag", "company", "owner"):
            self.fields[name].empty_label = _("Any")
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def selects(self) -> list[dict]:
        """The drop-downs, built from plain values: Django's widgets render each option
        through a template, far too slowly for hundreds of companies."""
        selects = []
        for name in ("tag", "stage", "company", "owner", "source", "sort"):
            if name not in self.fields:
                continue
            field = self.fields[name]
            note = ""
            selected = str(self.data.get(name, "")) if self.is_bound else ""
            if isinstance(field, forms.ModelChoiceField):
                if self.menus is not None:
                    if name == "owner":
                        choices = [(user.pk, user.name) for user in self.menus.members]
                    else:
                        choices = self.menus.tags if name == "tag" else self.menus.companies
                    choices = choices[: FILTER_OPTIONS + 1]
                else:
                    choices = list(field.queryset.values_list("pk", "name")[: FILTER_OPTIONS + 1])
                if len(choices) > FILTER_OPTIONS:
                    # Thousands of companies would be most of the page (36 KB for 1,000):
                    # the search box finds people by company and tag names; a company's own
                    # page links here with ?company=, which stays a filter.
                    chosen = getattr(self, "cleaned_data", {}).get(name)
                    choices = [(chosen.pk, chosen.name)] if chosen else []
                    note = _("Too many to list: type the name in the search box.")
                options = [("", field.empty_label)] + [(str(pk), label) for pk, label in choices]
            else:
                options = [(str(value), label) for value, label in field.choices]
            selects.append(
                {
                    "name": name,
                    "label": field.label,
                    "options": options_html(options, selected),
                    "note": note,
                }
            )
        return selects

    def filters(self) -> dict:
        """Valid filters only: a bad value is dropped rather than failing the whole list."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {name: value for name, value in self.cleaned_data.items() if value}
        return {
            "q": data.get("q", ""),
            "tag": data.get("tag"),
            "stage": data.get("stage", ""),
            "company": data.get("company"),
            "owner": data.get("owner"),
            "source": data.get("source", ""),
            "overdue": bool(data.get("overdue")),
            "archived": bool(data.get("archived")),
            "sort": data.get("sort", ""),
        }


class BulkSelectionForm(forms.Form):
    ids = forms.ModelMultipleChoiceField(queryset=Contact.objects.none())

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = Contact.objects.filter(workspace=workspace)
        self.fields["ids"].error_messages["required"] = _("Select at least one contact.")

    @property
    def contact_ids(self):
        return [c.pk for c in self.cleaned_data["ids"]]


class BulkTagForm(BulkSelectionForm):
    tag = forms.CharField(label=_("Tag"), max_length=60)


class BulkStageForm(BulkSelectionForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=Contact.Stage.choices)


class BulkOwnerForm(BulkSelectionForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        self.fields["owner"].queryset = workspace_members(workspace)


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "website", "industry", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.workspace = workspace
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Company.objects.filter(workspace=self.instance.workspace, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This workspace already has a company of that name."))
        return name
