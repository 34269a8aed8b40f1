"""Reading uploaded files: decoding, recognising the format, and turning rows into records.

A *record* is a dict of contact fields (first_name, last_name, emails, phone, title, company,
location, linkedin_url, summary, tags, source), the same whatever the file's format.
"""

import codecs
import csv
import io
import re

from django.conf import settings
from django.utils.translation import gettext as _

from contacts.importing.errors import ImportRefused
from contacts.importing.vcard import count_cards, parse_vcards
from contacts.models import Contact, ImportJob
from infoview.spreadsheets import unescape_formula

MAX_ROWS = 20_000
# A contact has a dozen fields; a file with hundreds of columns is not an address book, and
# its preview would be a table as wide as the file.
MAX_COLUMNS = 200
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# Fields a column can be mapped to, in the order the mapping step shows them.
TARGETS = [
    ("", _("(ignore)")),
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("full_name", _("Full name")),
    ("emails", _("Email addresses")),
    ("phone", _("Phone")),
    ("title", _("Job title")),
    ("company", _("Company")),
    ("location", _("Location")),
    ("linkedin_url", _("LinkedIn URL")),
    ("summary", _("Summary")),
    ("tags", _("Tags")),
    ("source", _("How we met")),
    ("connected_on", _("Connected on")),
]
TARGET_NAMES = {name for name, _label in TARGETS if name}

LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position"]
LINKEDIN_MAPPING = {
    "First Name": "first_name",
    "Last Name": "last_name",
    "URL": "linkedin_url",
    "Email Address": "emails",
    "Company": "company",
    "Position": "title",
    "Connected On": "connected_on",
}

# Header spellings seen in the wild (Google, Outlook, Apple exports, our own export).
_SYNONYMS = {
    "first_name": ["firstname", "first", "givenname", "forename", "prenom"],
    "last_name": ["lastname", "last", "surname", "familyname", "nom"],
    "full_name": ["name", "fullname", "displayname", "contact", "contactname"],
    "emails": [
        "email",
        "emails",
        "emailaddress",
        "emailaddresses",
        "email1",
        "email1value",
        "primaryemail",
        "e-mail",
        "mail",
    ],
    "phone": ["phone", "phonenumber", "mobile", "mobilephone", "telephone", "tel", "phone1value"],
    "title": ["title", "jobtitle", "position", "role", "organization1title"],
    "company": ["company", "organisation", "organization", "employer", "organization1name"],
    "location": ["location", "city", "address", "town"],
    "linkedin_url": ["linkedin", "linkedinurl", "linkedinprofile", "url", "profileurl"],
    "summary": ["summary", "notes", "note", "description", "about"],
    "tags": ["tags", "labels", "categories", "groups", "grouplabels"],
    "source": ["source", "howwemet", "howmet"],
}
_GUESS = {alias: target for target, aliases in _SYNONYMS.items() for alias in aliases}


def max_bytes() -> int:
    return int(getattr(settings, "CONTACTS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 (with BOM) or Windows-1252/Latin-1."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused(_("The file is empty."))
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise ImportRefused(_("This file is neither CSV nor vCard."))
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # Spreadsheets on Windows save "CSV" as Windows-1252, a superset of Latin-1.
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("The file's text encoding is damaged; save it as UTF-8 and try again.")
        ) from error
    if re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text[:65536]):
        raise ImportRefused(_("This file is neither CSV nor vCard."))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportRefused(_("The file is empty."))
    return text


def detect_kind(text: str) -> str:
    head = text.lstrip()[:20].upper()
    if head.startswith("BEGIN:VCARD"):
        return ImportJob.Kind.VCARD
    if _linkedin_header_line(text) is not None:
        return ImportJob.Kind.LINKEDIN
    first_line = text.lstrip().splitlines()[0]
    if not any(sep in first_line for sep in (",", ";", "\t")):
        raise ImportRefused(_("This file is neither CSV nor vCard."))
    return ImportJob.Kind.CSV


def _linkedin_header_line(text: str) -> int | None:
    """LinkedIn puts a few lines of notes before its header; find the header's line."""
    for number, line in enumerate(text.splitlines()[:20]):
        if line.strip().lstrip("\ufeff").startswith("First Name,Last Name"):
            return number
    return None


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_table(text: str, kind: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a CSV (LinkedIn or any other)."""
    if kind == ImportJob.Kind.LINKEDIN:
        lines = text.splitlines()
        text = "\n".join(lines[_linkedin_header_line(text) or 0 :])
        delimiter = ","
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ImportRefused(_("This file is neither CSV nor vCard.")) from error
    if not rows:
        raise ImportRefused(_("The file is empty."))
    header = [cell.strip() for cell in rows[0]]
    if len(header) > MAX_COLUMNS:
        raise ImportRefused(
            _("The file has %(columns)d columns; at most %(max)d can be imported.")
            % {"columns": len(header), "max": MAX_COLUMNS}
        )
    named = [name for name in header if name]
    twice = sorted({name for name in named if named.count(name) > 1})
    if twice:
        raise ImportRefused(
            _("Two columns have the same name (%(names)s): rename one and upload the file again.")
            % {"names": ", ".join(f"“{name}”" for name in twice[:3])}
        )
    if kind == ImportJob.Kind.LINKEDIN:
        missing = [name for name in ("First Name", "Last Name") if name not in header]
        if missing:
            raise ImportRefused(
                _("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)}
            )
    return header, rows[1:]


def guess_mapping(header: list[str]) -> dict[str, str]:
    mapping, taken = {}, set()
    for name in header:
        key = re.sub(r"[^a-z0-9-]", "", name.lower())
        target = _GUESS.get(key, "")
        if target and target not in taken:
            mapping[name] = target
            taken.add(target)
        else:
            mapping[name] = ""
    return mapping


def mapping_problem(mapping: dict[str, str]) -> str:
    """Why this mapping cannot import anything, or "" when it can."""
    targets = set(mapping.values())
    if not targets & {"first_name", "full_name"}:
        return _("Map a column to “First name” or “Full name”: every contact needs a name.")
    return ""


def _source(value: str) -> str:
    value = value.strip().lower()
    for choice, label in Contact.Source.choices:
        if value in {choice, str(label).lower()}:
            return choice
    return ""


def record_from_row(row: list[str], header: list[str], mapping: dict[str, str]) -> dict:
    record: dict = {"emails": [], "tags": []}
    for index, name in enumerate(header):
        target = mapping.get(name, "")
        if not target or index >= len(row):
            continue
        value = unescape_formula(row[index].strip())
        if not value:
            continue
        if target == "emails":
            record["emails"].extend(e for e in re.split(r"[,;\s]+", value) if e)
        elif target == "tags":
            record["tags"].extend(t.strip() for t in re.split(r"[,;]", value) if t.strip())
        elif target == "full_name":
            first, _sep, last = value.partition(" ")
            record.setdefault("first_name", first)
            record.setdefault("last_name", last)
        elif target == "source":
            record["source"] = _source(value)
        else:
            record[target] = value
    return record


def read_records(job: ImportJob) -> list[dict]:
    """Every row of the job's file as a record, in file order."""
    if job.kind == ImportJob.Kind.VCARD:
        return parse_vcards(job.text)
    header, rows = read_table(job.text, job.kind)
    mapping = job.mapping or (
        LINKEDIN_MAPPING if job.kind == ImportJob.Kind.LINKEDIN else guess_mapping(header)
    )
    records = [record_from_row(row, header, mapping) for row in rows]
    if job.kind == ImportJob.Kind.LINKEDIN:
        for record in records:
            record.setdefault("source", Contact.Source.LINKEDIN)
    return records


def count_rows(text: str, kind: str) -> int:
    if kind == ImportJob.Kind.VCARD:
        cards = count_cards(text)
        if not cards:
            raise ImportRefused(_("This file is neither CSV nor vCard."))
        return cards
    return len(read_table(text, kind)[1])
