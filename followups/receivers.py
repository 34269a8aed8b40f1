"""What follow-ups does when a lower app tells it something happened."""

from contacts.services import contact_record_interaction


def interaction_happened(sender, *, contact, at, **kwargs):
    """An email, a conversation, a note: the keep-in-touch clock starts again from ``at``."""
    contact_record_interaction(contact=contact, at=at)
