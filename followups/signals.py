"""What followups tells the apps above it. Sent explicitly, never from save()."""

from django.dispatch import Signal

# A pending follow-up's due time (or the end of its snooze) has come; sent once per due time by
# ``followups.due.followups_announce_due``. Keyword arguments: followup.
followup_due = Signal()
# A follow-up was marked done (inside its transaction). Keyword arguments: followup.
followup_done = Signal()
