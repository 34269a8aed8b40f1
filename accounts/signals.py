"""What accounts tells the apps above it. Sent explicitly by services, never from save()."""

from django.dispatch import Signal

# A workspace was just created (inside its transaction): apps above give it their defaults.
# Keyword arguments: workspace.
workspace_created = Signal()

# An outbox row reached sent, failed or unknown (after its transaction committed).
# Keyword arguments: message (accounts.models.OutgoingMessage).
message_settled = Signal()
