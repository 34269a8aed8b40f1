"""The lower apps' signals, turned into outbox rows (connected in WebhooksConfig.ready)."""

from accounts.models import Workspace
from contacts import signals as contact_signals
from contacts.models import Contact, ImportJob
from followups import signals as followup_signals
from followups.models import FollowUp
from interviews import signals as interview_signals
from interviews.models import Interview
from webhooks import events, services
from webhooks.models import Event


def _stamp(value) -> str:
    return value.isoformat() if value else ""


def contact_created(sender, contact: Contact, **kwargs):
    services.event_record(
        workspace_id=contact.workspace_id,
        event_type=Event.CONTACT_CREATED,
        data=lambda: events.contact_data(contact),
        msg_id=events.msg_id(Event.CONTACT_CREATED, contact.pk),
        contact_id=contact.pk,
    )


def contact_updated(sender, contact: Contact, **kwargs):
    services.event_record(
        workspace_id=contact.workspace_id,
        event_type=Event.CONTACT_UPDATED,
        data=lambda: events.contact_data(contact),
        msg_id=events.random_msg_id(),
        contact_id=contact.pk,
    )


def contact_archived(sender, contact: Contact, **kwargs):
    services.event_record(
        workspace_id=contact.workspace_id,
        event_type=Event.CONTACT_ARCHIVED,
        data=lambda: events.contact_data(contact),
        msg_id=events.msg_id(Event.CONTACT_ARCHIVED, contact.pk, _stamp(contact.archived_at)),
        contact_id=contact.pk,
    )


def contact_erased(sender, workspace_id: int, contact_id: int, how: str, **kwargs):
    services.deliveries_forget_person(workspace_id=workspace_id, contact_id=contact_id)
    services.event_record(
        workspace_id=workspace_id,
        event_type=Event.CONTACT_ERASED,
        data=lambda: events.erased_data(
            workspace_slug=Workspace.objects.values_list("slug", flat=True).get(pk=workspace_id),
            contact_id=contact_id,
            how=how,
        ),
        msg_id=events.msg_id(Event.CONTACT_ERASED, contact_id, how),
        contact_id=contact_id,
    )


def import_finished(sender, job: ImportJob, **kwargs):
    services.event_record(
        workspace_id=job.workspace_id,
        event_type=Event.IMPORT_FINISHED,
        data=lambda: events.import_data(job),
        msg_id=events.msg_id(Event.IMPORT_FINISHED, job.pk),
    )


def _interview_event(event_type: str, interview: Interview, *stamp):
    services.event_record(
        workspace_id=interview.workspace_id,
        event_type=event_type,
        data=lambda: events.interview_data(interview),
        msg_id=events.msg_id(event_type, interview.pk, *stamp),
        contact_id=interview.contact_id,
    )


def interview_scheduled(sender, interview: Interview, **kwargs):
    _interview_event(Event.INTERVIEW_SCHEDULED, interview, _stamp(interview.starts_at))


def interview_completed(sender, interview: Interview, **kwargs):
    _interview_event(Event.INTERVIEW_COMPLETED, interview)


def interview_cancelled(sender, interview: Interview, **kwargs):
    _interview_event(Event.INTERVIEW_CANCELLED, interview)


def _followup_event(event_type: str, followup: FollowUp, *stamp):
    services.event_record(
        workspace_id=followup.workspace_id,
        event_type=event_type,
        data=lambda: events.followup_data(followup),
        msg_id=events.msg_id(event_type, followup.pk, *stamp),
        contact_id=followup.contact_id,
    )


def followup_due(sender, followup: FollowUp, **kwargs):
    _followup_event(Event.FOLLOWUP_DUE, followup, _stamp(followup.effective_due_at))


def followup_done(sender, followup: FollowUp, **kwargs):
    _followup_event(Event.FOLLOWUP_DONE, followup, _stamp(followup.done_at))


def connect() -> None:
    uid = "webhooks"
    contact_signals.contact_created.connect(contact_created, dispatch_uid=uid)
    contact_signals.contact_updated.connect(contact_updated, dispatch_uid=uid)
    contact_signals.contact_archived.connect(contact_archived, dispatch_uid=uid)
    contact_signals.contact_erased.connect(contact_erased, dispatch_uid=uid)
    contact_signals.import_finished.connect(import_finished, dispatch_uid=uid)
    interview_signals.interview_scheduled.connect(interview_scheduled, dispatch_uid=uid)
    interview_signals.interview_completed.connect(interview_completed, dispatch_uid=uid)
    interview_signals.interview_cancelled.connect(interview_cancelled, dispatch_uid=uid)
    followup_signals.followup_due.connect(followup_due, dispatch_uid=uid)
    followup_signals.followup_done.connect(followup_done, dispatch_uid=uid)
