"""Reads of the follow-ups app."""

from datetime import datetime

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from accounts.models import OutgoingMessage, User, Workspace
from followups.models import FollowUp

PENDING = FollowUp.PENDING_STATUSES


def followups_for_feed(
    *, user: User, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[FollowUp]:
    """Pending follow-ups owned by ``user`` in workspaces they still belong to, ordered by when
    they next ask for attention (the snooze's end, or the due time), optionally within
    [since, until). The calendar feed and the daily digest read this."""
    queryset = _with_next_at(
        FollowUp.objects.filter(
            owner=user,
            status__in=PENDING,
            contact__archived_at=None,
            workspace__membership__user=user,
        )
    )
    if since is not None:
        queryset = queryset.filter(next_at__gte=since)
    if until is not None:
        queryset = queryset.filter(next_at__lt=until)
    return queryset.select_related("contact", "workspace").order_by("next_at", "pk")


def _with_next_at(queryset: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return queryset.annotate(
        next_at=Case(
            When(
                status=FollowUp.Status.SNOOZED, snoozed_until__isnull=False, then=F("snoozed_until")
            ),
            default=F("due_at"),
        )
    )


def followups_pending(
    *,
    workspace: Workspace,
    owner: User | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[FollowUp]:
    """Pending follow-ups of the workspace whose next attention time is in [start, end).

    The range is written per status (open: due_at, snoozed: snoozed_until) rather than on the
    computed ``next_at``, so PostgreSQL can use the (owner/workspace, status, due_at) indexes.
    """
    open_range, snoozed_range = {}, {}
    if start is not None:
        open_range["due_at__gte"] = snoozed_range["snoozed_until__gte"] = start
    if end is not None:
        open_range["due_at__lt"] = snoozed_range["snoozed_until__lt"] = end
    queryset = FollowUp.objects.filter(
        Q(status=FollowUp.Status.OPEN, **open_range)
        | Q(status=FollowUp.Status.SNOOZED, **snoozed_range),
        workspace=workspace,
        contact__archived_at=None,
    )
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    return (
        _with_next_at(queryset)
        .select_related("contact__workspace", "workspace", "interview", "owner")
        .order_by("next_at", "pk")
    )


OVERVIEW_SECTIONS = ("overdue", "today", "week", "later")


def followups_overview(
    *,
    workspace: Workspace,
    owner: User | None,
    today: datetime,
    tomorrow: datetime,
    week_end: datetime,
    limit: int,
    only: tuple[str, ...] = (),
) -> dict[str, tuple[list[FollowUp], int]]:
    """The follow-up list's four sections at once: each section's first ``limit`` rows (by
    ``next_at``) and its total, in two queries.

    The same rows as ``followups_pending`` with [start, end) bounds of overdue (before today),
    today, this week and later; ranked and counted per section by window functions (one query
    for the ids and totals, one for the rows), where
    four lists and four ``COUNT(*)`` cost eight round trips and eight compilations.
    ``only`` fills in the columns a row shows (followups/rows.py) and nothing else.
    """
    queryset = FollowUp.objects.filter(
        workspace=workspace, status__in=PENDING, contact__archived_at=None
    ).exclude(status=FollowUp.Status.SNOOZED, snoozed_until=None)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    queryset = _with_next_at(queryset).annotate(
        section=Case(
            When(next_at__lt=today, then=Value(0)),
            When(next_at__lt=tomorrow, then=Value(1)),
            When(next_at__lt=week_end, then=Value(2)),
            default=Value(3),
        )
    )
    ranked = (
        queryset.annotate(
            rank=Window(RowNumber(), partition_by=F("section"), order_by=[F("next_at"), F("pk")]),
            total=Window(Count("pk"), partition_by=F("section")),
        )
        .values("pk", "section", "rank", "total")
        .order_by()
    )
    # The rank <= limit condition is written around the compiled query: Django's own emulation
    # of a filter on a window function costs more CPU to compile than the rest of the page.
    sql, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pk, section, total FROM ({sql}) AS ranked "  # noqa: S608 - Django's own SQL
            "WHERE rank <= %s ORDER BY section, rank",
            [*params, limit],
        )
        found = cursor.fetchall()
    rows = FollowUp.objects.filter(pk__in=[pk for pk, _section, _total in found]).select_related(
        "contact", "owner"
    )
    if only:
        rows = rows.only(*only)
    by_pk = {row.pk: row for row in rows}
    sections: dict[str, tuple[list[FollowUp], int]] = {key: ([], 0) for key in OVERVIEW_SECTIONS}
    for pk, section, total in found:
        key = OVERVIEW_SECTIONS[section]
        sections[key][0].append(by_pk[pk])
        sections[key] = (sections[key][0], total)
    return sections


def followups_of_contact(*, contact) -> QuerySet[FollowUp]:
    return (
        _with_next_at(FollowUp.objects.filter(workspace_id=contact.workspace_id, contact=contact))
        .select_related("workspace", "owner", "interview")
        .order_by(Case(When(Q(status__in=PENDING), then=0), default=1), "next_at", "pk")
    )


def followup_outgoing(*, followup: FollowUp) -> QuerySet[OutgoingMessage]:
    """The emails sent (or being sent) from this follow-up's page, newest first."""
    return OutgoingMessage.objects.filter(
        workspace_id=followup.workspace_id, about=f"followups.followup:{followup.pk}"
    ).order_by("-created_at", "-pk")
