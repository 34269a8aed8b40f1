"""Reads of the workspace home: what the current user should look at today."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, QuerySet, Window
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User, Workspace
from accounts.versions import data_version
from contacts.models import Contact
from contacts.selectors import keep_in_touch_due_at
from followups.selectors import followups_pending
from interviews.models import Interview, Note
from interviews.selectors import with_readiness_of_rows

LIST_LIMIT = 20
OPEN = [Interview.Status.PLANNED, Interview.Status.SCHEDULED]
NAME = {"first": F("contact__first_name"), "last": F("contact__last_name")}


class HomeRow:
    """One item of the home's lists: the values its query read, and the person's name."""

    def __init__(self, *, first: str, last: str, **values):
        self.__dict__.update(values)
        self.full_name = f"{first} {last}".strip()

    def __repr__(self):
        return f"HomeRow({self.__dict__!r})"


def local_midnight(day, tz) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def _mine(queryset: QuerySet, *, workspace: Workspace, user: User, field: str = "owner"):
    # In a team workspace each member starts from their own work; a personal one is all theirs.
    if workspace.is_team:
        return queryset.filter(**{field: user})
    return queryset


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

    # Rows as the values an item shows (reports/home_rows.py), not model instances: the three
    # lists are up to 100 rows, read again after every write to the workspace.
    interviews = [
        HomeRow(**row)
        for row in with_readiness_of_rows(
            _mine(Interview.objects.filter(workspace=workspace), workspace=workspace, user=user)
        )
        .filter(status__in=OPEN, starts_at__gte=today_start, starts_at__lt=week_end)
        .order_by("starts_at", "pk")
        .values("pk", "starts_at", "prep_total", "prep_done", **NAME)[: LIST_LIMIT * 2]
    ]
    followups = [
        HomeRow(**row)
        for row in followups_pending(
            workspace=workspace,
            owner=user if workspace.is_team else None,
            end=tomorrow_start,
        ).values("pk", "title", "kind", "next_at", **NAME)[: LIST_LIMIT * 2]
    ]
    overdue_contacts = [
        HomeRow(**row)
        for row in _mine(
            Contact.objects.filter(workspace=workspace, archived_at=None),
            workspace=workspace,
            user=user,
        )
        .alias(keep_in_touch_due=keep_in_touch_due_at())
        .filter(keep_in_touch_due__lt=now)
        .annotate(due_at=keep_in_touch_due_at(), total=Window(Count("pk")))
        .order_by("due_at", "pk")
        .values("pk", "due_at", "total", first=F("first_name"), last=F("last_name"))[:LIST_LIMIT]
    ]
    if insights is None:
        insights = cached_insights(workspace=workspace)
    # The first steps shown to a new workspace: a busy one answers from the lists above (an
    # interview, follow-up or insight has its person), so only an empty one asks the database.
    has_interviews = bool(interviews or insights) or (
        Interview.objects.filter(workspace=workspace).exists()
    )
    has_contacts = bool(has_interviews or followups or overdue_contacts) or (
        Contact.objects.filter(workspace=workspace).exists()
    )
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


def cached_insights(*, workspace: Workspace) -> list[Insight]:
    """``recent_insights``, kept in the shared cache while the workspace's notes, objectives and
    interviews are unchanged (``accounts.versions``, scope ``pipeline``). The same for every
    member; the kinds are written in the reader's language."""
    version = data_version(workspace_id=workspace.pk)
    # "v2": an Insight names its interview and person (not an Interview instance, as before).
    key = f"home:insights:v2:{workspace.pk}:{version}:{get_language()}"
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
