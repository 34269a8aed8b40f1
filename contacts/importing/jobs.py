"""An import job's life: upload (the whole file checked first), mapping, start, resume, and
the report of the rows that were not imported."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contacts import tasks
from contacts.importing.files import (
    LINKEDIN_MAPPING,
    MAX_ROWS,
    TARGET_NAMES,
    ImportRefused,
    count_rows,
    decode,
    detect_kind,
    guess_mapping,
    mapping_problem,
    max_bytes,
    read_table,
)
from contacts.models import ImportJob
from infoview.spreadsheets import escape_formula

__all__ = [
    "ImportRefused",
    "import_error_report",
    "import_resume",
    "import_set_mapping",
    "import_start",
    "import_upload",
]


def import_upload(*, workspace, user, filename: str, data: bytes) -> ImportJob:
    """Check the whole file before any work starts; refuse it with a clear message if need be."""
    if len(data) > max_bytes():
        raise ImportRefused(
            _("The file is larger than %(size)d MB.") % {"size": max_bytes() // (1024 * 1024)}
        )
    text = decode(data)
    kind = detect_kind(text)
    if filename.lower().endswith(".vcf") and kind != ImportJob.Kind.VCARD:
        raise ImportRefused(_("This file is neither CSV nor vCard."))
    rows = count_rows(text, kind)
    if rows == 0:
        raise ImportRefused(_("The file has a header but no rows to import."))
    if rows > MAX_ROWS:
        raise ImportRefused(
            ngettext(
                "The file has %(rows)d row; at most %(max)d can be imported at once.",
                "The file has %(rows)d rows; at most %(max)d can be imported at once.",
                rows,
            )
            % {"rows": rows, "max": MAX_ROWS}
        )
    mapping = {}
    if kind == ImportJob.Kind.LINKEDIN:
        mapping = LINKEDIN_MAPPING
    elif kind == ImportJob.Kind.CSV:
        mapping = guess_mapping(read_table(text, kind)[0])
    job = ImportJob(
        workspace=workspace,
        created_by=user,
        filename=filename[:255],
        kind=kind,
        text=text,
        mapping=mapping,
        total_rows=rows,
    )
    job.full_clean()
    job.save()
    return job


def import_set_mapping(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    header = read_table(job.text, job.kind)[0]
    job.mapping = {
        name: mapping.get(name, "") if mapping.get(name, "") in TARGET_NAMES else ""
        for name in header
    }
    job.save(update_fields=["mapping"])
    return job


def import_start(*, job: ImportJob) -> ImportJob:
    """Confirmed: queue the task once the job's row is committed."""
    if job.kind == ImportJob.Kind.CSV and mapping_problem(job.mapping):
        raise ImportRefused(mapping_problem(job.mapping))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.QUEUED
    )
    if updated:
        tasks.import_run.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


STALE_AFTER = timezone.timedelta(minutes=2)


def import_can_resume(job: ImportJob) -> bool:
    """A job whose worker died: queued or running with no heartbeat for a lease, or failed."""
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}:
        return job.status == ImportJob.Status.FAILED
    return job.is_stalled or job.updated_at < timezone.now() - STALE_AFTER


def import_resume(*, job: ImportJob) -> ImportJob:
    """Run a job again from its committed offset (after a worker died)."""
    # A person asked: the automatic re-queues start counting again, from a fresh heartbeat.
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.QUEUED, updated_at=now, heartbeat_at=now, requeues=0, failure=""
    )
    tasks.import_run.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def import_error_report(job: ImportJob) -> str:
    """The rows that were not imported, with the reason, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Problem"), _("First name"), _("Last name"), _("Emails")])
    for error in job.errors:
        values = error.get("values", {})
        writer.writerow(
            escape_formula(str(cell))
            for cell in (
                error["row"],
                error["message"],
                values.get("first_name", ""),
                values.get("last_name", ""),
                ", ".join(values.get("emails", [])),
            )
        )
    return out.getvalue()
