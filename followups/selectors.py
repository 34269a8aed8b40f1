"""Reads of the follow-ups app."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Q, QuerySet, When

from accounts.models import OutgoingMessage, User, Workspace
from accounts.versions import data_version
from contacts.models import Contact
from followups.models import LISTED, FollowUp, next_at
from infoview.pagination import Key, KeysetPage, keyset_read, seek_sql

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
    return queryset.annotate(next_at=next_at())


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


def followups_listed(*, workspace: Workspace, owner: User | None = None) -> QuerySet[FollowUp]:
    """What the follow-up list shows as waiting (open, or snoozed until a known time) of people
    who are not archived, with ``next_at``; every one of its sections is a range of ``next_at``.

    Both the filters and the sort are those of the ``followups_listed*`` indexes, which hold the
    columns these rows are counted by: a section's rows are a walk down the index, its total an
    index-only scan. Archived people are left out by NOT IN over the workspace's few archived
    contacts (``contacts_archived_idx``), where a join read all the workspace's contacts to keep
    nearly every one.
    """
    archived = Contact.objects.filter(workspace=workspace, archived_at__isnull=False)
    queryset = FollowUp.objects.filter(LISTED, workspace=workspace).exclude(
        contact__in=archived.values("pk")
    )
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    return queryset.annotate(next_at=next_at())


def _between(start: datetime | None, end: datetime | None) -> Q:
    bounds = Q()
    if start is not None:
        bounds &= Q(next_at__gte=start)
    if end is not None:
        bounds &= Q(next_at__lt=end)
    return bounds


def followups_section(
    *,
    workspace: Workspace,
    owner: User | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[FollowUp]:
    """The listed follow-ups whose next attention time is in [start, end), in that order."""
    listed = followups_listed(workspace=workspace, owner=owner)
    return listed.filter(_between(start, end)).order_by("next_at", "pk")


# A safety net only: every write to follow-ups or to their people gives a new version at once.
SECTION_TOTAL_TTL = 60 * 60


def followups_section_total(
    *,
    workspace: Workspace,
    owner: User | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    """How many rows ``followups_section`` holds, counted once per change of the workspace's data.

    Everyone's overdue follow-ups of a busy team are tens of thousands of rows, and counting them
    (an index-only scan) was the largest query of "Show all". The total changes only with a
    follow-up or its person, and every service that writes either gives the workspace a new
    data version (``accounts.versions``, scope ``pipeline``; the home page and the calendar feed
    are kept under it too); the clock moves the section's bounds, which are part of the key.
    """
    version = data_version(workspace_id=workspace.pk)
    bounds = [at.isoformat() if at is not None else "" for at in (start, end)]
    who = str(owner.pk) if owner is not None else "all"
    key = ":".join(["followups:total", str(workspace.pk), version, who, *bounds])
    total = cache.get(key)
    if total is None:
        total = followups_section(workspace=workspace, owner=owner, start=start, end=end).count()
        cache.set(key, total, SECTION_TOTAL_TTL)
    return total


@dataclass(frozen=True, slots=True)
class Listed:
    """A follow-up as the list's row shows it (followups/rows.py)."""

    pk: int
    kind: str
    title: str
    status: str
    next_at: datetime  # when it next asks for attention (``FollowUp.effective_due_at``)
    contact_id: int
    contact_name: str
    owner_name: str  # "" when it has no owner

    @classmethod
    def of(cls, followup: FollowUp) -> "Listed":
        owner = followup.owner
        return cls(
            followup.pk,
            followup.kind,
            followup.title,
            followup.status,
            followup.effective_due_at,
            followup.contact_id,
            followup.contact.full_name,
            str(owner) if owner else "",
        )


# ``followups_listed`` as SQL, written once: its rows, filters and ``next_at`` are the ORM's
# own text for them (those of the ``followups_listed*`` partial indexes and their key), so the
# plans are the same; building and compiling the queryset cost ~2.5 ms of CPU a request.
# ``{owner}`` is empty, or the condition on the owner.
_LISTED_SQL = """
    SELECT f.id,
           CASE WHEN (f.snoozed_until IS NOT NULL AND f.status = 'snoozed')
                THEN f.snoozed_until ELSE f.due_at END AS next_at,
           f.kind, f.title, f.status, f.contact_id, f.owner_id
    FROM followups_followup f
    WHERE (f.status = 'open' OR (f.snoozed_until IS NOT NULL AND f.status = 'snoozed'))
      AND f.workspace_id = %(ws)s
      AND NOT (f.contact_id IN (SELECT a.id FROM contacts_contact a
                                WHERE a.archived_at IS NOT NULL AND a.workspace_id = %(ws)s))
      {owner}
"""
_OWNER_SQL = "AND f.owner_id = %(owner)s"


def _listed_sql(workspace: Workspace, owner: User | None) -> tuple[str, dict]:
    sql = _LISTED_SQL.format(owner=_OWNER_SQL if owner is not None else "")
    return sql, {"ws": workspace.pk, "owner": owner.pk if owner is not None else None}


def followups_overview(
    *,
    workspace: Workspace,
    owner: User | None,
    sections: dict[str, tuple[datetime | None, datetime | None]],
    limit: int,
) -> dict[str, tuple[list[Listed], int]]:
    """Each section's first ``limit`` rows (by ``next_at``) and its total, in one query.

    ``sections`` maps a name to its [start, end) of ``next_at`` (None: no bound). For each
    section, a LATERAL count and a LATERAL ``LIMIT`` over ``followups_listed``, both a walk down
    its index (the count an index-only one). Written as SQL: the same statement built by the
    ORM (a count per section and a UNION ALL of four sliced querysets) cost more CPU to compile
    than the rest of the page, and model instances for the 80 rows, their people and owners, a
    third of that again.
    """
    inner, params = _listed_sql(workspace, owner)
    bounds = []
    for index, (start, end) in enumerate(sections.values()):
        bounds.append(f"({index}, %(start{index})s::timestamptz, %(end{index})s::timestamptz)")
        params[f"start{index}"] = start or "-infinity"
        params[f"end{index}"] = end or "infinity"
    sql = f"""
        SELECT b.section, t.total, r.id, r.kind, r.title, r.status, r.next_at, r.contact_id,
               c.first_name, c.last_name, u.name, u.email
        FROM (VALUES {", ".join(bounds)}) AS b (section, start_at, end_at)
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS total FROM ({inner}) AS l
            WHERE l.next_at >= b.start_at AND l.next_at < b.end_at
        ) AS t
        LEFT JOIN LATERAL (
            SELECT l.* FROM ({inner}) AS l
            WHERE l.next_at >= b.start_at AND l.next_at < b.end_at
            ORDER BY l.next_at, l.id LIMIT %(limit)s
        ) AS r ON true
        LEFT JOIN contacts_contact c ON c.id = r.contact_id
        LEFT JOIN accounts_user u ON u.id = r.owner_id
        ORDER BY b.section, r.next_at, r.id
    """  # noqa: S608 - fixed text and placeholders
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "limit": limit})
        found = cursor.fetchall()
    keys = list(sections)
    overview: dict[str, tuple[list[Listed], int]] = {key: ([], 0) for key in keys}
    for section, total, pk, kind, title, status, at, contact_id, first, last, name, email in found:
        rows = overview[keys[section]][0]
        overview[keys[section]] = (rows, total)
        if pk is not None:
            rows.append(_named(pk, kind, title, status, at, contact_id, first, last, name, email))
    return overview


def _named(pk, kind, title, status, at, contact_id, first, last, name, email) -> Listed:
    """A row read with its person's and owner's names ."""
    return Listed(
        pk, kind, title, status, at, contact_id, f"{first} {last}".strip(), name or email or ""
    )


def followups_section_page(
    *,
    workspace: Workspace,
    owner: User | None,
    start: datetime | None,
    end: datetime | None,
    after: str = "",
    before: str = "",
    size: int,
) -> KeysetPage:
    """One page of ``followups_section`` (the same rows and order) by keyset, as ``Listed``
    rows: a walk down the ``followups_listed*`` index from the cursor (a row comparison on
    its key). Raises ``BadCursor`` for a damaged cursor."""
    inner, params = _listed_sql(workspace, owner)
    where = []
    if start is not None:
        where.append("l.next_at >= %(start)s")
        params["start"] = start
    if end is not None:
        where.append("l.next_at < %(end)s")
        params["end"] = end

    def read(values: list | None, forward: bool, limit: int) -> list[Listed]:
        conditions = list(where)
        seek, direction = seek_sql(
            ["l.next_at", "l.id"], descending=False, forward=forward, marks=["%(at)s", "%(id)s"]
        )
        if values is not None:
            conditions.append(seek)
        sql = f"""
            SELECT l.id, l.kind, l.title, l.status, l.next_at, l.contact_id,
                   c.first_name, c.last_name, u.name, u.email
            FROM ({inner}) AS l
            JOIN contacts_contact c ON c.id = l.contact_id
            LEFT JOIN accounts_user u ON u.id = l.owner_id
            WHERE {" AND ".join(conditions) or "true"}
            ORDER BY l.next_at {direction}, l.id {direction}
            LIMIT %(limit)s
        """  # noqa: S608 - fixed text and placeholders
        values = values or [None, None]
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "at": values[0], "id": values[1], "limit": limit})
            found = cursor.fetchall()
        return [_named(*row) for row in found]

    keys = [Key("next_at", parse=datetime.fromisoformat), Key("pk")]
    return keyset_read(read, keys=keys, after=after, before=before, size=size)


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
