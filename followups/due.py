"""Follow-ups falling due: told to the apps above through ``signals.followup_due``.

Nothing is written here; the caller keeps the window's start (webhooks keeps a cursor in its
own table) so each due time is announced once.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from followups import signals
from followups.models import FollowUp


def followups_announce_due(
    *, since: datetime, until: datetime, workspace_ids: Iterable[int]
) -> int:
    """Send ``followup_due`` for each pending follow-up whose due time is in (since, until]."""
    opened = Q(status=FollowUp.Status.OPEN, due_at__gt=since, due_at__lte=until)
    snoozed = Q(status=FollowUp.Status.SNOOZED, snoozed_until__gt=since, snoozed_until__lte=until)
    rows = (
        FollowUp.objects.filter(workspace_id__in=list(workspace_ids))
        .filter(opened | snoozed)
        .select_related("workspace")
        .order_by("due_at", "pk")
    )
    count = 0
    for followup in rows.iterator(chunk_size=500):
        signals.followup_due.send(sender=FollowUp, followup=followup)
        count += 1
    return count
