"""Taking one person out of the uploads: whole rows or cards, never parts of other rows.

Used by the one erasure (``contacts.erasure``). A row is the person's when it holds one of
their addresses or their LinkedIn profile (in any spelling), or their first and last name.
A job still running keeps its offset right: rows removed before it are taken off it.
"""

import csv
import io
from collections.abc import Callable

from contacts.importing.files import (
    LINKEDIN_MAPPING,
    _delimiter,
    _linkedin_header_line,
    guess_mapping,
    read_table,
    record_from_row,
)
from contacts.importing.vcard import _CARD, parse_vcards
from contacts.models import Contact, ImportJob
from contacts.normalise import email_key, linkedin_key


def person_test(contact: Contact) -> Callable[[dict], bool]:
    """Does an import record (raw or cleaned) name this person?"""
    emails = {email_key(e) for e in contact.emails} - {""}
    profile = linkedin_key(contact.linkedin_url)
    name = (contact.first_name.strip().lower(), contact.last_name.strip().lower())

    def is_person(record: dict) -> bool:
        raw = record.get("emails", [])
        if any(email_key(e) in emails for e in ([raw] if isinstance(raw, str) else raw)):
            return True
        if profile and linkedin_key(record.get("linkedin_url", "")) == profile:
            return True
        found = (
            str(record.get("first_name", "")).strip().lower(),
            str(record.get("last_name", "")).strip().lower(),
        )
        return all(name) and found == name

    return is_person


def text_without(job: ImportJob, is_person: Callable[[dict], bool]) -> tuple[str, list[int]]:
    """The job's text with the person's rows (or cards) left out, and their 0-based indexes."""
    if not job.text:
        return job.text, []
    if job.kind == ImportJob.Kind.VCARD:
        kept, removed, last = [], [], 0
        for index, match in enumerate(_CARD.finditer(job.text)):
            if any(is_person(record) for record in parse_vcards(match.group(0))):
                kept.append(job.text[last : match.start()])
                last = match.end()
                removed.append(index)
        return "".join(kept) + job.text[last:], removed
    header, rows = read_table(job.text, job.kind)
    mapping = job.mapping or (
        LINKEDIN_MAPPING if job.kind == ImportJob.Kind.LINKEDIN else guess_mapping(header)
    )
    removed = [
        index
        for index, row in enumerate(rows)
        if is_person(record_from_row(row, header, mapping))
        or is_person({"emails": row, "linkedin_url": ""})
    ]
    if not removed:
        return job.text, []
    out = io.StringIO()
    if job.kind == ImportJob.Kind.LINKEDIN:
        lines = job.text.splitlines()
        preamble = lines[: _linkedin_header_line(job.text) or 0]
        out.write("".join(line + "\n" for line in preamble))
        delimiter = ","
    else:
        delimiter = _delimiter(job.text)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    gone = set(removed)
    writer.writerows(row for index, row in enumerate(rows) if index not in gone)
    return out.getvalue(), removed


def _address_in(text: str, contact: Contact) -> bool:
    text = text.lower()
    return any(k in text for k in (email_key(e) for e in contact.emails) if k)


def _name_in(text: str, contact: Contact) -> bool:
    text = text.lower()
    words = [w.lower() for w in (contact.first_name, contact.last_name) if len(w) >= 3]
    keys = [k for k in (email_key(e) for e in contact.emails) if k]
    return any(w in text for w in words) or any(k in text for k in keys)


def imports_scrub_person(*, contact: Contact) -> None:
    """Take the person out of every import of their workspace: text, errors, file name.

    The caller holds the workspace's people lock (``contacts.locks``).
    """
    is_person = person_test(contact)
    jobs = ImportJob.objects.select_for_update().filter(workspace_id=contact.workspace_id)
    for job in jobs:
        text, removed = text_without(job, is_person)
        # A row in error is the person's when its values are (an address in its message too);
        # others' rows stay whole, even when they mention a word of the person's name.
        errors = [
            e
            for e in job.errors
            if not is_person(e.get("values", {})) and not _address_in(str(e), contact)
        ]
        filename = job.filename
        if _name_in(filename, contact):
            filename = f"import-{job.pk}.{'vcf' if job.kind == ImportJob.Kind.VCARD else 'csv'}"
        if not removed and errors == job.errors and filename == job.filename:
            continue
        before = sum(1 for index in removed if index < job.processed_rows)
        ImportJob.objects.filter(pk=job.pk).update(
            text=text,
            errors=errors,
            filename=filename,
            failure="" if _name_in(job.failure, contact) else job.failure,
            total_rows=max(job.total_rows - len(removed), 0),
            processed_rows=max(job.processed_rows - before, 0),
            error_count=max(job.error_count - (len(job.errors) - len(errors)), 0),
        )
