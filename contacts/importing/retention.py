"""Uploads are kept only while needed.

The raw text lives while a job is in preview, queued, running or failed (a failed job can be
resumed); a finished job keeps only its counts and the rows in error (``run.import_run``
empties its text). After ``IMPORT_RETENTION_DAYS`` (7 by default) the whole job goes, file
name and error report included; a preview never confirmed goes after
``IMPORT_PREVIEW_HOURS`` (24). The beat runs ``contacts.tasks.imports_purge`` hourly.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from contacts.models import ImportJob


def imports_purge(*, now: datetime | None = None) -> int:
    """Delete expired previews and jobs past retention; the number of jobs deleted."""
    now = now or timezone.now()
    kept_until = now - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    preview_until = now - timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    expired = (
        Q(status=ImportJob.Status.PREVIEW, created_at__lt=preview_until)
        | Q(status=ImportJob.Status.DONE, finished_at__lt=kept_until)
        | Q(status=ImportJob.Status.FAILED, updated_at__lt=kept_until)
    )
    deleted, _by_model = ImportJob.objects.filter(expired).delete()
    return deleted
