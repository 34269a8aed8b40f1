"""The daily retention pass: the database decides who is due; running it twice is harmless."""

import smtplib

from celery import shared_task
from django.db import DatabaseError

from privacy.services.retention import retention_run


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError, DatabaseError),
    retry_backoff=60,
    max_retries=5,
)
def retention_apply() -> dict:
    """Warn admins of contacts due within 7 days, anonymise those warned a week ago."""
    return retention_run()
