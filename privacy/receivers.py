"""What privacy does when a lower app reports something (imported by PrivacyConfig.ready())."""

from django.dispatch import receiver

from accounts.signals import message_settled
from privacy.services import retention


@receiver(message_settled, dispatch_uid="privacy.retention_email_settled")
def on_message_settled(sender, *, message, **kwargs) -> None:
    retention.retention_email_settled(message=message)
