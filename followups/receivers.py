"""What followups does when the apps below it announce something (connected in apps.py)."""

from followups import services


def on_interaction_happened(sender, *, contact, at, **kwargs) -> None:
    """A conversation, a note, an email: the keep-in-touch moves on from it."""
    services.contact_record_interaction(contact=contact, at=at)
