"""Reads of the interviews app."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import OutgoingMessage, User
from contacts.models import Contact
from infoview import joined
from infoview.pagination import Key, KeysetPage, keyset_read, seek_sql
from interviews.models import (
    TEAM_ONLY_CATEGORIES,
    UNDATED_PAST,
    UNDATED_UPCOMING,
    Assessment,
    CalendarToken,
    Interview,
    InterviewQuestion,
    InterviewText,
    Note,
    Objective,
    PrepItem,
    Question,
)

OPEN = [Interview.Status.PLANNED, Interview.Status.SCHEDULED]


def with_readiness(queryset: QuerySet) -> QuerySet:
    """Each interview with ``prep_total`` and ``prep_done`` (done of total), in one query."""
    return queryset.annotate(
        prep_total=Count("prep_items", distinct=True),
        prep_done=Count("prep_items", filter=Q(prep_items__done_at__isnull=False), distinct=True),
    )


def _prep_count(**lookup) -> Coalesce:
    items = (
        PrepItem.objects.filter(interview=OuterRef("pk"), **lookup)
        .order_by()
        .values("interview")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)


def with_readiness_of_rows(queryset: QuerySet) -> QuerySet:
    """``with_readiness`` counted for each row the query returns, not before its LIMIT.

    A subquery per row rather than a join and GROUP BY: with the join, PostgreSQL grouped every
    interview the filters matched (174 of the week for one recruiter at the scale data) and
    then kept the first 40; here the rows come first, in index order, and only those are counted.
    """
    return queryset.annotate(prep_total=_prep_count(), prep_done=_prep_count(done_at__isnull=False))


def _filtered(
    *,
    workspace,
    when: str = "upcoming",
    status: str = "",
    owner_id: int | None = None,
    contact_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    since: datetime | None = None,
) -> QuerySet:
    """The interviews of the list's tab and filters, unordered. ``since``: where upcoming
    begins (two hours ago)."""
    queryset = Interview.objects.filter(workspace=workspace).select_related(
        "contact", "contact__company", "owner", "workspace"
    )
    since = since or timezone.now() - timedelta(hours=2)
    if when == "upcoming":
        queryset = queryset.filter(status__in=OPEN).filter(
            Q(starts_at__gte=since) | Q(starts_at=None)
        )
    elif when == "past":
        queryset = queryset.filter(Q(starts_at__lt=since) | ~Q(status__in=OPEN)).exclude(
            starts_at=None, status__in=OPEN
        )
    if status:
        queryset = queryset.filter(status=status)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if contact_id:
        queryset = queryset.filter(contact_id=contact_id)
    if date_from:
        queryset = queryset.filter(starts_at__gte=date_from)
    if date_to:
        queryset = queryset.filter(starts_at__lt=date_to)
    return queryset


def interviews_list(*, workspace, when: str = "upcoming", **filters) -> QuerySet:
    """Upcoming (open, soonest first, undated last) or past (latest first) interviews."""
    if when == "upcoming":
        ordering = [F("starts_at").asc(nulls_last=True), "pk"]
    else:
        ordering = [F("starts_at").desc(nulls_last=True), "-pk"]
    queryset = _filtered(workspace=workspace, when=when, **filters)
    return with_readiness(queryset).order_by(*ordering)


def interviews_list_page(
    *,
    workspace,
    when: str = "upcoming",
    after: str = "",
    before: str = "",
    size: int,
    status: str = "",
    owner_id: int | None = None,
    contact_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> KeysetPage:
    """One page of ``interviews_list`` (the same rows and order), by keyset, with each row's
    readiness: the columns a row shows (``ListedInterview``), in one statement.

    The sort key is that of the ``interviews_upcoming_idx`` and ``interviews_list_idx`` indexes;
    upcoming ones are also bounded on it (undated ones sort last, so ``sort_at >= since`` is
    the same rows), which lets the page start at the index's first upcoming entry. Readiness is
    counted for the page's rows only, after the LIMIT. Raises ``BadCursor`` for a damaged
    cursor.

    Written as SQL rather than a queryset: building and compiling the page's query through the
    ORM (the filters, the keyset's condition, five joined names) and the readiness's grouped
    query cost about 8 ms of CPU a request, more than the rest of the list.
    """
    since = timezone.now() - timedelta(hours=2)
    undated = UNDATED_UPCOMING if when == "upcoming" else UNDATED_PAST
    conditions, params = ["i.workspace_id = %s"], [workspace.pk]
    if when == "upcoming":
        conditions.append(
            "i.status IN (%s, %s) AND (i.starts_at >= %s OR i.starts_at IS NULL)"
            " AND COALESCE(i.starts_at, %s) >= %s"
        )
        params += [*OPEN, since, undated, since]
    elif when == "past":
        conditions.append(
            "(i.starts_at < %s OR NOT (i.status IN (%s, %s)))"
            " AND NOT (i.starts_at IS NULL AND i.status IN (%s, %s))"
        )
        params += [since, *OPEN, *OPEN]
    for condition, value in (
        ("i.status = %s", status),
        ("i.owner_id = %s", owner_id),
        ("i.contact_id = %s", contact_id),
        ("i.starts_at >= %s", date_from),
        ("i.starts_at < %s", date_to),
    ):
        if value:
            conditions.append(condition)
            params.append(value)

    def read(values: list | None, forward: bool, limit: int) -> list[ListedInterview]:
        where, where_params = list(conditions), list(params)
        seek, direction = seek_sql(
            ["COALESCE(i.starts_at, %s)", "i.id"], descending=when != "upcoming", forward=forward
        )
        if values is not None:
            where.append(seek)
            where_params += [undated, *values]
        sql = _LIST_PAGE_SQL.format(where=" AND ".join(where), direction=direction)
        with connection.cursor() as cursor:
            cursor.execute(sql, [undated, *where_params, undated, limit])
            return [ListedInterview(*row) for row in cursor.fetchall()]

    keys = [
        Key("sort_at", when != "upcoming", datetime.fromisoformat),
        Key("pk", when != "upcoming", int),
    ]
    return keyset_read(read, keys=keys, after=after, before=before, size=size)


# The page's rows in the order asked (the index's, or its reverse for "Previous"), then each
# row's prep items counted (a subquery per row, after the LIMIT, down the interview_id index).
_LIST_PAGE_SQL = """
SELECT p.*, r.total, r.done
FROM (
    SELECT i.id, i.starts_at, i.mode, i.status, COALESCE(i.starts_at, %s) AS sort_at,
           c.first_name, c.last_name, co.name, u.name, u.email
    FROM interviews_interview i
    JOIN contacts_contact c ON c.id = i.contact_id
    LEFT JOIN contacts_company co ON co.id = c.company_id
    LEFT JOIN accounts_user u ON u.id = i.owner_id
    WHERE {where}
    ORDER BY COALESCE(i.starts_at, %s) {direction}, i.id {direction}
    LIMIT %s
) AS p
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE t.done_at IS NOT NULL) AS done
    FROM interviews_prepitem t WHERE t.interview_id = p.id
) AS r
ORDER BY p.sort_at {direction}, p.id {direction}
"""


@dataclass(frozen=True, slots=True)
class ListedInterview:
    """An interview as the list's row shows it (interviews/rows.py)."""

    pk: int
    starts_at: datetime | None
    mode: str
    status: str
    sort_at: datetime  # the list's sort key: ``starts_at``, the undated ones last
    contact_first_name: str
    contact_last_name: str
    company_name: str | None
    owner_name: str | None
    owner_email: str | None
    prep_total: int
    prep_done: int


def interviews_upcoming(*, workspace, owner=None, limit: int = 5) -> list[Interview]:
    """The next open interviews of the workspace (or of one owner), with readiness."""
    queryset = interviews_list(workspace=workspace, when="upcoming")
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    return list(queryset[:limit])


def _ends_at():
    return ExpressionWrapper(
        F("starts_at") + F("duration_minutes") * Value(timedelta(minutes=1)),
        output_field=DateTimeField(),
    )


def interview_overlaps(
    *, owner, starts_at: datetime, duration_minutes: int, exclude_pk: int | None = None
) -> QuerySet:
    """The owner's other open interviews, in any of their workspaces, that overlap this slot."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    queryset = (
        Interview.objects.filter(
            owner=owner,
            status__in=OPEN,
            workspace__membership__user=owner,
            starts_at__lt=ends_at,
        )
        .annotate(ends=_ends_at())
        .filter(ends__gt=starts_at)
        .select_related("contact", "workspace")
        .order_by("starts_at")
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset


def interviews_for_feed(
    *, user, since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    """The user's interviews a subscribed calendar should hold: from ``since`` (30 days ago)
    to ``until`` (no end when None).

    Cancelled ones stay in the feed (STATUS:CANCELLED) so calendars that already hold them
    take them out; interviews of workspaces the user has left drop out.
    """
    since = since or timezone.now() - timedelta(days=30)
    queryset = Interview.objects.filter(
        owner=user, workspace__membership__user=user, starts_at__gte=since
    )
    if until is not None:
        queryset = queryset.filter(starts_at__lt=until)
    return queryset.order_by("starts_at", "pk")


def questions_to_pick(*, interview: Interview) -> QuerySet:
    """The workspace's bank questions this interview does not hold yet."""
    bank = Question.objects.filter(workspace_id=interview.workspace_id).exclude(
        uses__interview=interview
    )
    if not interview.workspace.is_team:
        bank = bank.exclude(category__in=TEAM_ONLY_CATEGORIES)
    return bank


# The interview with its person, owner, texts and assessment, as the pages show them
# (``infoview/joined.py``: the ORM's select_related of the same cost ~3 ms of CPU a request).
_PAGE_MODELS = (Interview, Contact, User, InterviewText, Assessment)
_PAGE_ROW_SQL = f"""
SELECT {joined.columns(Interview, "i")}, {joined.columns(Contact, "c")},
       {joined.columns(User, "u")}, {joined.columns(InterviewText, "t")},
       {joined.columns(Assessment, "a")}
FROM interviews_interview i
JOIN contacts_contact c ON c.id = i.contact_id
LEFT JOIN accounts_user u ON u.id = i.owner_id
LEFT JOIN interviews_interviewtext t ON t.interview_id = i.id
LEFT JOIN interviews_assessment a ON a.interview_id = i.id
WHERE i.workspace_id = %s AND i.id = %s
"""  # noqa: S608 - the column lists are the models' own


def interview_page_row(*, workspace, pk: int) -> Interview | None:
    """The workspace's interview ``pk`` (None: missing or not this workspace's) with its
    contact and owner, and its text and assessment cached as ``select_related`` caches them
    (a missing one cached as missing); all of the workspace ``workspace``."""
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_ROW_SQL, [workspace.pk, pk])
        row = cursor.fetchone()
    if row is None:
        return None
    interview, contact, owner, text, assessment = joined.instances(_PAGE_MODELS, row)
    interview.workspace = contact.workspace = workspace
    interview.contact, interview.owner = contact, owner
    for name, one in (("text", text), ("assessment", assessment)):
        related = getattr(Interview, name).related
        related.set_cached_value(interview, one)
        if one is not None:
            related.field.set_cached_value(one, interview)
    return interview


# The interview page's lists, each row as JSON, in one statement: through the ORM each list was
# a query of its own that cost about 1 ms of CPU to build and compile, more than PostgreSQL's
# time for all of them. The orders are the models' own (``Meta.ordering``).
_PAGE_LISTS_SQL = """
SELECT
    (SELECT coalesce(json_agg(to_jsonb(p) ORDER BY p.position, p.id), '[]')
     FROM interviews_prepitem p WHERE p.interview_id = %(id)s),
    (SELECT coalesce(json_agg(to_jsonb(o) ORDER BY o.position, o.id), '[]')
     FROM interviews_objective o WHERE o.interview_id = %(id)s),
    (SELECT coalesce(json_agg(to_jsonb(q) ORDER BY q.position, q.id), '[]')
     FROM interviews_interviewquestion q WHERE q.interview_id = %(id)s),
    (SELECT coalesce(json_agg(json_build_object('id', b.id, 'category', b.category,
                                                'text', b.text)
                              ORDER BY b.category, b.id), '[]')
     FROM interviews_question b
     WHERE b.workspace_id = %(ws)s AND NOT (b.category = ANY(%(hidden)s))
       AND NOT EXISTS (SELECT 1 FROM interviews_interviewquestion u
                       WHERE u.interview_id = %(id)s AND u.source_id = b.id)),
    (SELECT coalesce(json_agg(json_build_array(c.id, c.first_name, c.last_name)
                              ORDER BY c.last_name, c.first_name, c.id), '[]')
     FROM contacts_contact c
     WHERE c.introduced_by_id = %(contact)s AND c.workspace_id = %(ws)s),
    (SELECT coalesce(json_agg(to_jsonb(n) || jsonb_build_object(
                'objective_text', o.text, 'author_name', a.name, 'author_email', a.email)
              ORDER BY n.created_at, n.id), '[]')
     FROM interviews_note n
     LEFT JOIN interviews_objective o ON o.id = n.objective_id
     LEFT JOIN accounts_user a ON a.id = n.author_id
     WHERE n.interview_id = %(id)s),
    (SELECT coalesce(json_agg(json_build_object(
                'id', m.id, 'state', m.state, 'subject', m.subject, 'to', m.to,
                'sent_at', m.sent_at, 'created_at', m.created_at, 'reason', m.reason,
                'attempts', m.attempts, 'resent', m.resent, 'last_reply', m.last_reply,
                'log', m.log)
              ORDER BY m.created_at DESC, m.id DESC), '[]')
     FROM accounts_outgoingmessage m
     WHERE m.workspace_id = %(ws)s AND m.about = %(about)s)
"""

# The conversation view's two lists (the orders as above).
_CONVERSATION_LISTS_SQL = """
SELECT
    (SELECT coalesce(json_agg(to_jsonb(o) ORDER BY o.position, o.id), '[]')
     FROM interviews_objective o WHERE o.interview_id = %(id)s),
    (SELECT coalesce(json_agg(to_jsonb(q) ORDER BY q.position, q.id), '[]')
     FROM interviews_interviewquestion q WHERE q.interview_id = %(id)s)
"""

# The columns of a bank question the interview page shows (detail_rows.bank_html): twenty
# questions' other columns (a time to parse each) for nothing.
_BANK_SHOWN = ("id", "category", "text")

# The columns of an outbox row the interview page shows (components/outgoing.html).
_OUTGOING_SHOWN = (
    "id",
    "state",
    "subject",
    "to",
    "sent_at",
    "created_at",
    "reason",
    "attempts",
    "resent",
    "last_reply",
    "log",
)


@dataclass
class PageLists:
    prep_items: list[PrepItem]
    objectives: list[Objective]
    questions: list[InterviewQuestion]
    bank: list[Question]  # as ``questions_to_pick``; only their id, category and text
    introduced: list[Contact]  # the people the contact introduced, by name
    notes: list[Note]  # oldest first, each with its author's name and its objective's text
    outgoing: list[OutgoingMessage]  # the outbox rows about the interview, newest first


def _instances(model, rows: list[dict], names=None) -> list:
    """Model instances from ``to_jsonb`` rows, each value converted as the field reads it;
    ``names``: only these fields (the others deferred)."""
    fields = model._meta.concrete_fields
    if names is not None:
        fields = [field for field in fields if field.attname in names]
    names = [field.attname for field in fields]
    return [
        model.from_db("default", names, [field.to_python(row[field.column]) for field in fields])
        for row in rows
    ]


def interview_page_lists(*, interview: Interview, about: str) -> PageLists:
    """The checklist, objectives, questions, the bank's questions still to pick, the people
    the contact introduced (with their workspace, for their links), the notes and the outbox
    rows ``about`` the interview; one query."""
    workspace = interview.workspace
    hidden = [] if workspace.is_team else sorted(TEAM_ONLY_CATEGORIES)
    with connection.cursor() as cursor:
        cursor.execute(
            _PAGE_LISTS_SQL,
            {
                "id": interview.pk,
                "ws": workspace.pk,
                "contact": interview.contact_id,
                "hidden": hidden,
                "about": about,
            },
        )
        prep, objectives, questions, bank, introduced, notes, outgoing = cursor.fetchone()
    people = [
        Contact(pk=pk, workspace=workspace, first_name=first, last_name=last)
        for pk, first, last in introduced
    ]
    return PageLists(
        prep_items=_instances(PrepItem, prep),
        objectives=_instances(Objective, objectives),
        questions=_instances(InterviewQuestion, questions),
        bank=_instances(Question, bank, names=_BANK_SHOWN),
        introduced=people,
        notes=_notes(notes),
        outgoing=_instances(OutgoingMessage, outgoing, names=_OUTGOING_SHOWN),
    )


def interview_conversation_lists(
    *, interview: Interview
) -> tuple[list[Objective], list[InterviewQuestion]]:
    """The objectives and questions, for the conversation view (which shows nothing else of
    the interview page's lists); one query."""
    with connection.cursor() as cursor:
        cursor.execute(_CONVERSATION_LISTS_SQL, {"id": interview.pk})
        objectives, questions = cursor.fetchone()
    return _instances(Objective, objectives), _instances(InterviewQuestion, questions)


def _notes(rows: list[dict]) -> list[Note]:
    """The notes with what the page shows of their author and objective (as select_related)."""
    notes = _instances(Note, rows)
    for note, row in zip(notes, rows, strict=True):
        author_id, objective_id = note.author_id, note.objective_id
        note.author = None
        if author_id is not None:
            note.author = User(pk=author_id, name=row["author_name"], email=row["author_email"])
        note.objective = None
        if objective_id is not None:
            note.objective = Objective(pk=objective_id, text=row["objective_text"])
    return notes


def interview_assessment(*, interview: Interview) -> Assessment | None:
    return Assessment.objects.filter(interview=interview).first()


def calendar_token_active(*, user) -> CalendarToken | None:
    """The user's live feed address, if they made one."""
    return CalendarToken.objects.filter(user=user, revoked_at=None).first()


def calendar_token_for_feed(*, token: str) -> CalendarToken | None:
    """The live token this secret is, with its user; None when revoked, unknown or the user
    is deactivated."""
    row = CalendarToken.objects.select_related("user").filter(token=token, revoked_at=None)
    row = row.first()
    if row is None or not row.user.is_active:
        return None
    return row


def feed_version(queryset: QuerySet) -> tuple:
    """What a calendar feed's validator needs of one of its parts, in one query: how many rows,
    which, and when they (or their contacts, whose names are in the events) last changed."""
    figures = queryset.order_by().aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        changed=Max("updated_at"),
        contacts_changed=Max("contact__updated_at"),
    )
    return feed_version_normalised(*figures.values())


def feed_version_normalised(count, ids, changed, contacts_changed) -> tuple:
    """The same figures whether the database summed them (a Decimal) or Python did (an int)."""
    return (int(count), int(ids or 0), changed, contacts_changed)


class ChangeText(Func):
    """A timestamp as fixed-width UTC text (2026-11-30T12:00:07.654321), ordered as the
    timestamps are: a feed read as rows needs only the latest change of two thousand for its
    validator (``feed_version_of_rows``), so one is parsed in Python, not each."""

    template = "to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    output_field = CharField()


def _changed_at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def feed_version_of_rows(rows: list[tuple]) -> tuple:
    """``feed_version`` of rows already read, each starting with its pk and ending with the
    ``ChangeText`` of its own and its contact's last change: a file written from its rows
    reads them once, not once more to count them."""
    if not rows:
        return feed_version_normalised(0, None, None, None)
    return feed_version_normalised(
        len(rows),
        sum(row[0] for row in rows),
        _changed_at(max(row[-2] for row in rows)),
        _changed_at(max(row[-1] for row in rows)),
    )
