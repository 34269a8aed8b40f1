"""What each event says: the payloads, built when the event happens.

A payload is ``{"type": ..., "timestamp": ..., "data": {...}}`` (the Standard Webhooks
envelope). ``data`` carries what a receiver needs to act without calling back; an erasure
carries ids only. The webhook-id is derived from the event itself where the event is a change of
state (the same contact archived at the same instant is one message, however often the signal
fires), and is random for edits, each of which is news.
"""

import hashlib
import uuid
from datetime import datetime

from django.conf import settings

from webhooks.models import Event


def msg_id(*parts) -> str:
    digest = hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()
    return f"msg_{digest[:32]}"


def random_msg_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _url(obj) -> str:
    return f"{settings.SITE_URL}{obj.get_absolute_url()}"


def contact_data(contact) -> dict:
    return {
        "id": contact.pk,
        "workspace": contact.workspace.slug,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "emails": list(contact.emails or []),
        "linkedin_url": contact.linkedin_url,
        "company": contact.company.name if contact.company_id else None,
        "stage": contact.stage,
        "owner_id": contact.owner_id,
        "archived_at": _when(contact.archived_at),
        "created_at": _when(contact.created_at),
        "updated_at": _when(contact.updated_at),
        "url": _url(contact),
    }


def interview_data(interview) -> dict:
    return {
        "id": interview.pk,
        "workspace": interview.workspace.slug,
        "contact_id": interview.contact_id,
        "owner_id": interview.owner_id,
        "status": interview.status,
        "starts_at": _when(interview.starts_at),
        "completed_at": _when(interview.completed_at),
        "cancelled_at": _when(interview.cancelled_at),
        "url": _url(interview),
    }


def followup_data(followup) -> dict:
    return {
        "id": followup.pk,
        "workspace": followup.workspace.slug,
        "contact_id": followup.contact_id,
        "interview_id": followup.interview_id,
        "owner_id": followup.owner_id,
        "kind": followup.kind,
        "status": followup.status,
        "title": followup.display_title,
        "due_at": _when(followup.effective_due_at),
        "done_at": _when(followup.done_at),
        "url": _url(followup),
    }


def import_data(job) -> dict:
    return {
        "id": job.pk,
        "workspace": job.workspace.slug,
        "filename": job.filename,
        "kind": job.kind,
        "status": job.status,
        "total_rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "errors": job.error_count,
        "finished_at": _when(job.finished_at),
        "url": _url(job),
    }


def erased_data(*, workspace_slug: str, contact_id: int, how: str) -> dict:
    """Ids only: the person is gone, and so is everything that named them."""
    return {"id": contact_id, "workspace": workspace_slug, "how": how}


def envelope(event_type: str, data: dict, at: datetime) -> dict:
    return {"type": event_type, "timestamp": at.isoformat(), "data": data}


ALL_EVENTS = [choice.value for choice in Event]
