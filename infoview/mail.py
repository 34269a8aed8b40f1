"""What every email Infoview sends shares: the domain its Message-IDs are made in."""

from email.utils import parseaddr

from django.conf import settings


def sender_domain() -> str:
    """The domain of DEFAULT_FROM_EMAIL ("Infoview <no-reply@example.org>" → "example.org")."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "infoview.local"
