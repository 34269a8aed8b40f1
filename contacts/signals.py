"""What contacts tells the apps above it. Sent explicitly by services, never from save()."""

from django.dispatch import Signal

# Something happened with a person (a conversation held, a note written, an email sent or
# received): followups moves the keep-in-touch date. Keyword arguments: contact, at.
interaction_happened = Signal()

# The contact lifecycle, sent after the write inside its transaction (webhooks records them in
# its outbox). Keyword arguments: contact.
contact_created = Signal()
contact_updated = Signal()
contact_archived = Signal()
# A person was erased or anonymised: only ids travel with it. Keyword arguments: workspace_id,
# contact_id, how ("erased" or "anonymised").
contact_erased = Signal()
# An import job finished (every row processed). Keyword arguments: job.
import_finished = Signal()
