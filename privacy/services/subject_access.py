"""Subject access: everything held about one person, as JSON-ready data or a CSV."""

import csv
import io
import json
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext

from contacts.importing.errors import ImportRefused
from contacts.importing.files import read_records
from contacts.importing.scrub import person_test
from contacts.models import Contact, ImportJob
from infoview.spreadsheets import escape_formula
from privacy.services.records import contact_rows

SKIPPED_EXPORT_FIELDS = {"search_vector", "search_text"}


def plain(value):
    """A value as JSON can hold it (dates as ISO strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _serialise(row: models.Model) -> dict:
    data = {}
    for field in row._meta.concrete_fields:
        if field.name in SKIPPED_EXPORT_FIELDS:
            continue
        key = field.attname
        value = getattr(row, key)
        data[field.name if not field.is_relation else key] = plain(value)
    return data


def contact_subject_access_export(*, contact: Contact) -> dict:
    """Everything held about one person, as plain JSON-ready data. Nothing of anyone else."""
    records = {}
    for label, rows in contact_rows(contact):
        if label == "contacts.contact":
            continue
        records[label] = [_serialise(row) for row in rows.order_by("pk")]
    imports = import_rows_of(contact)
    if imports:
        records["contacts.importjob"] = imports
    person = _serialise(contact)
    person["company_name"] = contact.company.name if contact.company_id else ""
    person["tags"] = sorted(contact.tags.values_list("name", flat=True))
    person["owner_name"] = contact.owner.name if contact.owner_id else ""
    return {
        "generated_at": timezone.now().isoformat(),
        "workspace": contact.workspace.name,
        "contact": person,
        "records": records,
    }


def import_rows_of(contact: Contact) -> list[dict]:
    """The uploads' rows (and rows in error) that hold the person, while they are kept."""
    is_person = person_test(contact)
    found = []
    for job in ImportJob.objects.filter(workspace_id=contact.workspace_id).order_by("pk"):
        try:
            rows = list(enumerate(read_records(job), start=1)) if job.text else []
        except ImportRefused:  # a damaged file holds no readable row
            rows = []
        rows += [(e.get("row"), e.get("values", {})) for e in job.errors]
        for number, values in rows:
            if is_person(values):
                found.append(
                    {
                        "id": job.pk,
                        "filename": job.filename,
                        "status": job.status,
                        "created_at": plain(job.created_at),
                        "row": number,
                        "values": values,
                    }
                )
    return found


def subject_access_csv(export: dict) -> str:
    """One line per value: record type, record id, field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    # The headings follow the reader's language; record types and field names stay the
    # database's own, so the file can be matched against the JSON export.
    writer.writerow(
        [
            pgettext("subject access CSV column", "record"),
            pgettext("subject access CSV column", "id"),
            pgettext("subject access CSV column", "field"),
            pgettext("subject access CSV column", "value"),
        ]
    )
    person = export["contact"]
    for name, value in person.items():
        writer.writerow(["contacts.contact", person["id"], name, _cell(value)])
    for label, rows in export["records"].items():
        for row in rows:
            for name, value in row.items():
                writer.writerow([label, row.get("id", ""), name, _cell(value)])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return escape_formula(str(value))
