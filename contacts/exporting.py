"""CSV and vCard exports of the contact list the user is looking at."""

import csv

from django.utils.translation import gettext_lazy as _

from contacts.importing.vcard import contact_vcard
from infoview.spreadsheets import escape_formula

CSV_COLUMNS = [
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("emails", _("Email addresses")),
    ("phone", _("Phone")),
    ("title", _("Job title")),
    ("company", _("Company")),
    ("location", _("Location")),
    ("linkedin_url", _("LinkedIn URL")),
    ("tags", _("Tags")),
    ("source", _("How we met")),
    ("stage", _("Stage")),
    ("summary", _("Summary")),
]


class _Echo:
    def write(self, value):
        return value


def _values(contact) -> dict:
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": ", ".join(contact.emails),
        "phone": contact.phone,
        "title": contact.title,
        "company": contact.company.name if contact.company_id else "",
        "location": contact.location,
        "linkedin_url": contact.linkedin_url,
        "tags": ", ".join(tag.name for tag in contact.tags.all()),
        "source": contact.source,
        "stage": contact.stage,
        "summary": contact.summary,
    }


def _rows(contacts):
    return contacts.select_related("company").prefetch_related("tags").iterator(chunk_size=1000)


def csv_lines(contacts):
    """The CSV, line by line, for a streaming response."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheets read the UTF-8 correctly
    yield writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    for contact in _rows(contacts):
        values = _values(contact)
        yield writer.writerow([escape_formula(values[name]) for name, _label in CSV_COLUMNS])


def vcard_cards(contacts):
    for contact in _rows(contacts):
        yield contact_vcard(contact, [tag.name for tag in contact.tags.all()])
