"""What followups does when a lower app reports something (imported by FollowupsConfig.ready()).

Signals run synchronously, inside the sender's transaction: a failure here undoes the sender's
write too.
"""

from django.dispatch import receiver

from accounts.signals import message_settled, workspace_created
from contacts.signals import contact_updated, interaction_happened
from followups import services
from interviews.signals import interview_completed


@receiver(workspace_created, dispatch_uid="followups.workspace_defaults")
def on_workspace_created(sender, *, workspace, **kwargs) -> None:
    services.workspace_defaults(workspace=workspace)


@receiver(interaction_happened, dispatch_uid="followups.contact_record_interaction")
def on_interaction_happened(sender, *, contact, at, **kwargs) -> None:
    """A conversation, a note, an email: the keep-in-touch moves on from it."""
    services.contact_record_interaction(contact=contact, at=at)


@receiver(contact_updated, dispatch_uid="followups.cadence_changed")
def on_contact_updated(sender, *, contact, changed=(), **kwargs) -> None:
    """A new cadence moves the pending keep-in-touch (or opens one) at once."""
    if "cadence_days" in changed:
        services.keep_in_touch_reschedule(contact=contact)


@receiver(interview_completed, dispatch_uid="followups.open_thank_you")
def open_thank_you(sender, *, interview, **kwargs) -> None:
    services.followup_open_thank_you(interview=interview)


@receiver(message_settled, dispatch_uid="followups.email_settled")
def on_message_settled(sender, *, message, **kwargs) -> None:
    services.followup_email_settled(message=message)
