"""What interviews tells the apps above it. Sent explicitly by services, never from save()."""

from django.dispatch import Signal

# An interview was marked completed (inside its transaction): followups opens the thank-you.
# Keyword arguments: interview.
interview_completed = Signal()

# An interview got a time (created with one, planned then given one, or moved). Keyword
# arguments: interview.
interview_scheduled = Signal()
# An interview was cancelled (inside its transaction). Keyword arguments: interview.
interview_cancelled = Signal()
