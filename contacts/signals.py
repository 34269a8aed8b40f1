"""What contacts tells the apps above it. Sent explicitly by services, never from save()."""

from django.dispatch import Signal

# Something happened with a person (a conversation held, a note written, an email sent or
# received): followups moves the keep-in-touch date. Keyword arguments: contact, at.
interaction_happened = Signal()
