"""Reads of the workspace home: what the current user should look at today."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User, Workspace
from accounts.versions import data_version
from interviews.models import Interview, Note

LIST_LIMIT = 20
OPEN = [Interview.Status.PLANNED, Interview.Status.SCHEDULED]


class HomeRow:
    """One item of the home's lists: the values its query read, and the person's name."""

    def __init__(self, *, first: str, last: str, **values):
        self.__dict__.update(values)
        self.full_name = f"{first} {last}".strip()

    def __repr__(self):
        return f"HomeRow({self.__dict__!r})"


def local_midnight(day, tz) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


# The home's three lists and whether the workspace has any interview or person at all, in one
# statement written once: as three ORM queries (with readiness subqueries, the follow-ups'
# next_at and the people's due date as expressions) they were compiled again on every request,
# about as much CPU as the page's whole template. Each list is its own subquery down its own
# index, as before; the rows come back ordered by list, then time, then id (each list's order).
# A person's keep-in-touch date is reckoned in UTC, as the key of reports_contact_due_idx
# (reports/migrations/0003): those due are a range of that index, already in order.
# "owner" is NULL in a personal workspace: everything in it is the member's.
HOME_LISTS_SQL = """
(SELECT 'interview' AS list, i.id AS pk, i.starts_at AS at,
        (SELECT count(*) FROM interviews_prepitem p WHERE p.interview_id = i.id) AS prep_total,
        (SELECT count(*) FROM interviews_prepitem p
         WHERE p.interview_id = i.id AND p.done_at IS NOT NULL) AS prep_done,
        NULL::varchar AS title, NULL::varchar AS kind, NULL::bigint AS total,
        c.first_name AS first, c.last_name AS last
 FROM interviews_interview i
 JOIN contacts_contact c ON c.id = i.contact_id
 WHERE i.workspace_id = %(ws)s AND i.status IN %(open)s
   AND (%(owner)s::integer IS NULL OR i.owner_id = %(owner)s::integer)
   AND i.starts_at >= %(today)s AND i.starts_at < %(week_end)s
 ORDER BY i.starts_at, i.id LIMIT %(limit)s * 2)
UNION ALL
(SELECT 'followup', f.id,
        CASE WHEN f.snoozed_until IS NOT NULL AND f.status = 'snoozed'
             THEN f.snoozed_until ELSE f.due_at END,
        NULL, NULL, f.title, f.kind, NULL, c.first_name, c.last_name
 FROM followups_followup f
 JOIN contacts_contact c ON c.id = f.contact_id
 WHERE f.workspace_id = %(ws)s AND c.archived_at IS NULL
   AND (%(owner)s::integer IS NULL OR f.owner_id = %(owner)s::integer)
   AND ((f.status = 'open' AND f.due_at < %(tomorrow)s)
        OR (f.status = 'snoozed' AND f.snoozed_until < %(tomorrow)s))
 ORDER BY 3, 2 LIMIT %(limit)s * 2)
UNION ALL
(SELECT 'contact', c.id, d.due AT TIME ZONE 'UTC', NULL, NULL, NULL, NULL, count(*) OVER (),
        c.first_name, c.last_name
 FROM contacts_contact c
 CROSS JOIN LATERAL (
     SELECT (COALESCE(c.last_interaction_at, c.created_at) AT TIME ZONE 'UTC')
            + c.cadence_days * interval '1 day' AS due
 ) d
 WHERE c.workspace_id = %(ws)s AND c.archived_at IS NULL
   AND (%(owner)s::integer IS NULL OR c.owner_id = %(owner)s::integer)
   AND d.due < %(now)s AT TIME ZONE 'UTC'
 ORDER BY d.due, c.id LIMIT %(limit)s)
UNION ALL
-- One row: has the workspace any interview, any person (1 or 0, in the two count columns).
SELECT 'exists', NULL, NULL,
       EXISTS (SELECT FROM interviews_interview WHERE workspace_id = %(ws)s)::integer,
       EXISTS (SELECT FROM contacts_contact WHERE workspace_id = %(ws)s)::integer,
       NULL, NULL, NULL, NULL, NULL
ORDER BY 1, 3, 2
"""
# What each list calls its row's time (reports/home_rows.py).
HOME_TIMES = {"interview": "starts_at", "followup": "next_at", "contact": "due_at"}


def dashboard_data(
    *,
    workspace: Workspace,
    user: User,
    now: datetime | None = None,
    insights: list["Insight"] | None = None,
) -> dict:
    """Everything the home page shows, in a fixed number of queries whatever the data size.

    ``insights``: the workspace's ``cached_insights`` when the caller has them already.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    today_start = local_midnight(today, tz)
    tomorrow_start = local_midnight(today + timedelta(days=1), tz)
    # The rest of this week runs to the end of Sunday, local time.
    week_end = local_midnight(today + timedelta(days=7 - today.weekday()), tz)
    params = {
        "ws": workspace.pk,
        # In a team workspace each member starts from their own work; a personal one is all theirs.
        "owner": user.pk if workspace.is_team else None,
        "open": tuple(OPEN),
        "today": today_start,
        "tomorrow": tomorrow_start,
        "week_end": week_end,
        "now": now,
        "limit": LIST_LIMIT,
    }
    with connection.cursor() as cursor:
        cursor.execute(HOME_LISTS_SQL, params)
        found = cursor.fetchall()
    # Rows as the values an item shows (reports/home_rows.py), not model instances.
    lists = {"interview": [], "followup": [], "contact": []}
    any_interview = any_contact = False
    for name, pk, at, prep_total, prep_done, title, kind, total, first, last in found:
        if name == "exists":
            any_interview, any_contact = bool(prep_total), bool(prep_done)
            continue
        lists[name].append(
            HomeRow(
                pk=pk,
                **{HOME_TIMES[name]: at},
                prep_total=prep_total,
                prep_done=prep_done,
                title=title,
                kind=kind,
                total=total,
                first=first,
                last=last,
            )
        )
    interviews, followups = lists["interview"], lists["followup"]
    overdue_contacts = lists["contact"]
    if insights is None:
        insights = cached_insights(workspace=workspace)
    # The first steps shown to a new workspace (the statement's last row: does it have any
    # interview, any person at all).
    has_interviews = bool(interviews or insights) or any_interview
    has_contacts = bool(has_interviews or followups or overdue_contacts) or any_contact
    return {
        "today_start": today_start,
        "interviews_today": [i for i in interviews if i.starts_at < tomorrow_start],
        "interviews_week": [i for i in interviews if i.starts_at >= tomorrow_start],
        "followups_overdue": [f for f in followups if f.next_at < now],
        "followups_today": [f for f in followups if f.next_at >= now],
        "overdue_contacts": overdue_contacts,
        "overdue_contacts_total": overdue_contacts[0].total if overdue_contacts else 0,
        "insights": insights,
        "has_contacts": has_contacts,
        "has_interviews": has_interviews,
    }


@dataclass
class Insight:
    """One thing learnt: a note of insight or advice, or what an objective taught."""

    at: datetime
    kind: str
    text: str
    interview_id: int
    person: str  # the full name of the person it came from


INSIGHTS_TTL = 60 * 60  # a safety net only: a new or deleted note gives a new version at once


def insights_key(*, workspace_id: int, version: str) -> str:
    """Where ``recent_insights`` is kept while the workspace's notes, objectives and interviews
    are unchanged (``accounts.versions``, scope ``pipeline``). The same for every member; the
    kinds are written in the reader's language."""
    # "v2": an Insight names its interview and person (not an Interview instance, as before).
    return f"home:insights:v2:{workspace_id}:{version}:{get_language()}"


def cached_insights(*, workspace: Workspace) -> list[Insight]:
    """``recent_insights``, from the shared cache when it has them (``insights_key``)."""
    key = insights_key(workspace_id=workspace.pk, version=data_version(workspace_id=workspace.pk))
    insights = cache.get(key)
    if insights is None:
        insights = recent_insights(workspace=workspace)
        cache.set(key, insights, INSIGHTS_TTL)
    return insights


# The latest few of each kind, each down its own index: the insight and the advice notes by
# (workspace, kind, created_at DESC), where `kind IN (...)` sorted 50,000 notes (60 ms at the
# scale data), and the objectives that taught something. One statement written once, where the
# ORM compiled three queries with their joins (a fifth of the home page's CPU).
INSIGHTS_SQL = """
(SELECT 'note', n.id, n.created_at, n.kind, n.body, n.body_html, n.interview_id,
        c.first_name, c.last_name
 FROM interviews_note n
 JOIN interviews_interview i ON i.id = n.interview_id
 JOIN contacts_contact c ON c.id = i.contact_id
 WHERE n.workspace_id = %(ws)s AND n.kind = %(insight)s
 ORDER BY n.created_at DESC, n.id DESC LIMIT %(limit)s)
UNION ALL
(SELECT 'note', n.id, n.created_at, n.kind, n.body, n.body_html, n.interview_id,
        c.first_name, c.last_name
 FROM interviews_note n
 JOIN interviews_interview i ON i.id = n.interview_id
 JOIN contacts_contact c ON c.id = i.contact_id
 WHERE n.workspace_id = %(ws)s AND n.kind = %(advice)s
 ORDER BY n.created_at DESC, n.id DESC LIMIT %(limit)s)
UNION ALL
(SELECT 'objective', o.id, COALESCE(i.completed_at, i.starts_at), '', o.insight, '',
        o.interview_id, c.first_name, c.last_name
 FROM interviews_objective o
 JOIN interviews_interview i ON i.id = o.interview_id
 JOIN contacts_contact c ON c.id = i.contact_id
 WHERE o.workspace_id = %(ws)s AND o.insight <> ''
   AND COALESCE(i.completed_at, i.starts_at) IS NOT NULL
 ORDER BY 3 DESC, o.id DESC LIMIT %(limit)s)
"""


def recent_insights(*, workspace: Workspace, limit: int = 5) -> list[Insight]:
    """The latest insights, advice notes and objective insights of the workspace (one query).

    Notes carry their own time; an objective's insight is as recent as its conversation.
    """
    params = {
        "ws": workspace.pk,
        "insight": Note.Kind.INSIGHT,
        "advice": Note.Kind.ADVICE,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(INSIGHTS_SQL, params)
        found = cursor.fetchall()

    # (source, pk, at, kind, body, body_html, interview_id, first name, last name)
    def newest_first(rows):
        return sorted(rows, key=lambda row: (row[2], row[1]), reverse=True)

    notes = newest_first(row for row in found if row[0] == "note")[:limit]
    objectives = newest_first(row for row in found if row[0] == "objective")
    kinds = dict(Note.Kind.choices)
    insights = [
        Insight(
            at=at,
            kind=str(kinds.get(kind, kind)),
            text=Note(body=body, body_html=body_html).plain_text,
            interview_id=interview_id,
            person=f"{first} {last}".strip(),
        )
        for _source, _pk, at, kind, body, body_html, interview_id, first, last in notes
    ] + [
        Insight(
            at=at,
            kind=str(_("Objective")),
            text=insight,
            interview_id=interview_id,
            person=f"{first} {last}".strip(),
        )
        for _source, _pk, at, _kind, insight, _html, interview_id, first, last in objectives
    ]
    return sorted(insights, key=lambda insight: insight.at, reverse=True)[:limit]
