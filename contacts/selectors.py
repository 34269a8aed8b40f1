"""Reads: the searchable, filterable contact list, companies, duplicates."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User, Workspace
from contacts.counts import cached_while_unchanged, kept_while_unchanged
from contacts.models import Company, Contact, MergeUndo, StageChange, Tag
from contacts.text import fold
from infoview import joined
from infoview.dates import MIN_YEAR
from infoview.pagination import Key, KeysetPage, keyset_page, keyset_page_of_rows

SORTS = {
    "name": ["last_name", "first_name", "pk"],
    "-created": ["-created_at", "-pk"],
    "last_interaction": [F("last_interaction_at").asc(nulls_first=True), "pk"],
    "-last_interaction": [F("last_interaction_at").desc(nulls_last=True), "pk"],
    "company": [F("company__name").asc(nulls_last=True), "last_name", "first_name", "pk"],
}

_WORD = re.compile(r"[\w@.+'-]+", re.UNICODE)
MAX_WORDS = 6

_SIMILAR_SQL = """
SELECT q.word, s.word
FROM unnest(%(words)s::text[]) AS q(word)
JOIN LATERAL (
    SELECT w.word FROM contacts_searchword w
    WHERE w.workspace_id = %(ws)s AND w.word %% q.word AND w.word <> q.word
    ORDER BY w.word <-> q.word
    LIMIT 3
) AS s ON true
"""


def _words(term: str) -> list[str]:
    words = []
    for word in _WORD.findall(fold(term)):
        word = word.strip("'.-+")[:100]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _similar_words(workspace_id: int, words: list[str]) -> dict[str, list[str]]:
    """Words of the workspace that look like the typed ones (typos), by trigram similarity."""
    candidates = [w for w in words if len(w) >= 3]
    if not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SIMILAR_SQL, {"words": candidates, "ws": workspace_id})
        similar: dict[str, list[str]] = {}
        for typed, found in cursor.fetchall():
            similar.setdefault(typed, []).append(found)
    return similar


def _lexeme(word: str, prefix: bool) -> str:
    return "'" + word.replace("\\", "").replace("'", "''") + "'" + (":*" if prefix else "")


def search_query(workspace_id: int, term: str) -> str:
    """A raw tsquery: every typed word as a prefix, or one of the workspace's close words.

    Kept while the workspace's contacts are unchanged: the close words come from their word
    list, which only a write of contacts changes (``contacts.counts``)."""
    words = _words(term)
    if not words:
        return ""

    def tsquery():
        similar = _similar_words(workspace_id, words)
        parts = []
        for word in words:
            options = [_lexeme(word, True)] + [_lexeme(w, False) for w in similar.get(word, [])]
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    return cached_while_unchanged(
        workspace_id=workspace_id, kind="tsquery", of=words, compute=tsquery
    )


def contacts_search(queryset: QuerySet, term: str, workspace_id: int) -> QuerySet:
    """Full-text search over the contact's document, tolerant of typos, best matches first."""
    tsquery = search_query(workspace_id, " ".join(term.split())[:200])
    if not tsquery:
        # Nothing searchable in the term (only punctuation, "%", an RTL mark...): every row,
        # equally relevant, so callers can still sort by relevance.
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    # Written as SQL: as SearchQuery, SearchRank and Cast expressions, the match and the rank
    # took more CPU to build, resolve and compile (in the filter, the annotation, the order and
    # a later page's condition) than PostgreSQL took to run the statement. ts_rank is a float4,
    # which reaches Python rounded to its shortest text: as float8 it comes back exactly, so a
    # keyset page can start at "relevance = the last row's".
    matches = RawSQL(
        """"contacts_contact"."search_vector" @@ to_tsquery('simple'::regconfig, %s)""",
        (tsquery,),
        output_field=BooleanField(),
    )
    relevance = RawSQL(
        """ts_rank("contacts_contact"."search_vector", to_tsquery('simple'::regconfig, %s))"""
        "::double precision",
        (tsquery,),
        output_field=FloatField(),
    )
    return queryset.filter(matches).annotate(relevance=relevance)


def keep_in_touch_due_at():
    return ExpressionWrapper(
        Coalesce("last_interaction_at", "created_at") + F("cadence_days") * timedelta(days=1),
        output_field=DateTimeField(),
    )


def contact_list(
    *,
    workspace: Workspace,
    q: str = "",
    tag=None,
    stage: str = "",
    company=None,
    owner=None,
    source: str = "",
    overdue: bool = False,
    archived: bool = False,
    sort: str = "",
) -> QuerySet:
    contacts = Contact.objects.filter(workspace=workspace, archived_at__isnull=not archived)
    if tag is not None:
        contacts = contacts.filter(tags=tag)
    if stage:
        contacts = contacts.filter(stage=stage)
    if company is not None:
        contacts = contacts.filter(company=company)
    if owner is not None:
        contacts = contacts.filter(owner=owner)
    if source:
        contacts = contacts.filter(source=source)
    if overdue:
        contacts = contacts.alias(due_at=keep_in_touch_due_at()).filter(due_at__lt=timezone.now())
    if q.strip():
        contacts = contacts_search(contacts, q, workspace.pk)
        if not sort:
            return contacts.order_by("-relevance", "last_name", "first_name", "pk")
    return contacts.order_by(*SORTS.get(sort or "name", SORTS["name"]))


# Keyset pages of the contact list (infoview.pagination): each order's keys, never NULL. A
# missing last interaction sorts as the earliest time (first when ascending, last when
# descending, as NULLS FIRST / NULLS LAST did); people without a company after the others.
_NEVER = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
_KEY_ANNOTATIONS = {
    "seen_key": Coalesce("last_interaction_at", Value(_NEVER)),
    "no_company": Case(When(company__isnull=True, then=Value(1)), default=Value(0)),
    "company_key": Coalesce("company__name", Value("")),
}
_NAME_KEYS = [Key("last_name", parse=str), Key("first_name", parse=str), Key("pk")]
LIST_KEYS = {
    "name": _NAME_KEYS,
    "-created": [Key("created_at", True, datetime.fromisoformat), Key("pk", True)],
    "last_interaction": [Key("seen_key", parse=datetime.fromisoformat), Key("pk")],
    "-last_interaction": [Key("seen_key", True, datetime.fromisoformat), Key("pk")],
    "company": [Key("no_company"), Key("company_key", parse=str), *_NAME_KEYS],
    "relevance": [Key("relevance", True, float), *_NAME_KEYS],
}


def contact_list_page(
    contacts: QuerySet,
    *,
    sort: str,
    searching: bool,
    after: str,
    before: str,
    size: int,
    fetch: Callable[[QuerySet], list] = list,
) -> KeysetPage:
    """One keyset page of the contact list in the order ``contact_list`` gives it (its rows
    read by ``fetch``, see ``keyset_page``).

    Raises ``BadCursor`` for a damaged cursor."""
    keys = LIST_KEYS["relevance" if searching and not sort else (sort or "name")]
    needed = {k.name: _KEY_ANNOTATIONS[k.name] for k in keys if k.name in _KEY_ANNOTATIONS}
    return keyset_page(
        contacts.annotate(**needed), keys=keys, after=after, before=before, size=size, fetch=fetch
    )


def kept_ranking(*, workspace: Workspace, kind: str, page_of):
    """A search's page in order of relevance, kept while the workspace's contacts are unchanged:
    ``(ranked, keep)``, ``ranked`` the page's ``(pk, relevance)`` pairs in order if kept (else
    None) and ``keep(ranked)`` to keep them (``contacts.counts.kept_while_unchanged``).

    Ranking reads the search document of every person found (1,425 for "patel" in the scale
    data), where the page shows 50: most of a search's time in PostgreSQL. The order depends
    only on what a write of contacts changes (the documents, names, filters' fields and the
    word list), and each such write gives the workspace a new contacts version
    (``contacts.counts``). What a row shows besides (the last interaction, which changes
    without one) is read again by id. A kept page needs neither the search's words nor its
    query, which are not built (``contact_list_ranked_page``).

    ``kind`` and ``page_of``: which list, and its filters and cursor."""
    return kept_while_unchanged(workspace_id=workspace.pk, kind=kind, of=page_of)


def in_ranked_order(rows_by_id: dict, ranked: list[tuple[int, float]]) -> list[tuple]:
    """``(row, relevance)`` in the order of ``ranked``, without the people deleted since it was
    kept (a write: the next search ranks afresh)."""
    return [(rows_by_id[pk], relevance) for pk, relevance in ranked if pk in rows_by_id]


def contact_list_ranked_page(
    *,
    workspace: Workspace,
    page_of,
    contacts: Callable[[], QuerySet],
    after: str,
    before: str,
    size: int,
) -> KeysetPage:
    """``contact_list_page`` of a search in order of relevance, its order kept
    (``kept_ranking``); ``contacts()`` builds the search's queryset, when the order is not kept.
    ``page_of``: the filters and cursor of the page. Raises ``BadCursor``."""
    ranked, keep = kept_ranking(workspace=workspace, kind="ranked", page_of=page_of)
    if ranked is None:

        def fetch(query: QuerySet) -> list:
            rows = screen_rows(query)
            keep([(row.pk, row.relevance) for row in rows])
            return rows

        return contact_list_page(
            contact_list_screen_rows(contacts()),
            sort="",
            searching=True,
            after=after,
            before=before,
            size=size,
            fetch=fetch,
        )
    rows = screen_rows(
        contact_list_screen_rows(
            Contact.objects.filter(workspace=workspace, pk__in=[pk for pk, _ in ranked])
        ).order_by()
    )
    page = []
    for row, relevance in in_ranked_order({row.pk: row for row in rows}, ranked):
        row.relevance = relevance
        page.append(row)
    return keyset_page_of_rows(
        page, keys=LIST_KEYS["relevance"], after=after, before=before, size=size
    )


def contact_list_page_rows(contacts: QuerySet) -> QuerySet:
    """What one row of the list shows, in a fixed number of queries whatever the page size."""
    return contacts.select_related("company", "owner").prefetch_related("tags")


# The list's company and owner names as subqueries, not joins: PostgreSQL evaluates them after
# the sort and LIMIT, for the page's 51 rows only, where a join matched every one of a search's
# hits (~1,400 for a common name) against the companies and users before ranking them. Written
# as SQL: as Subquery(...) expressions they took more CPU to compile than the joins they replace.
_COMPANY_NAME = RawSQL(
    'SELECT co.name FROM contacts_company co WHERE co.id = "contacts_contact"."company_id"',
    (),
    output_field=CharField(),
)
_OWNER_NAME = RawSQL(
    "SELECT coalesce(nullif(u.name, ''), u.email) FROM accounts_user u"
    ' WHERE u.id = "contacts_contact"."owner_id"',
    (),
    output_field=CharField(),
)


# Each row's tag names, by name, in the same statement and after the LIMIT like the names
# above: a second query through the ORM (the through table joined to the tags) cost more CPU to
# build and compile than PostgreSQL took to answer it.
_TAG_NAMES = RawSQL(
    "ARRAY(SELECT t.name FROM contacts_contact_tags ct JOIN contacts_tag t ON t.id = ct.tag_id"
    ' WHERE ct.contact_id = "contacts_contact"."id" ORDER BY t.name)',
    (),
    output_field=ArrayField(CharField()),
)


_SCREEN_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "title",
    "company_id",
    "stage",
    "last_interaction_at",
)


def contact_list_screen_rows(contacts: QuerySet) -> QuerySet:
    """The columns the contact list page shows and nothing else: no search document, no
    summary, the company's and owner's names as plain values rather than objects, and the
    tags' names as a list (``tag_names``)."""
    return contacts.only(*_SCREEN_FIELDS).annotate(
        company_name=_COMPANY_NAME, owner_name=_OWNER_NAME, tag_names=_TAG_NAMES
    )


class ContactListRow:
    """A row of the contact list page: what ``contact_list_screen_rows`` selects, and the sort
    keys, as attributes. Not a ``Contact``: making the page's 51 deferred model objects
    (``only()``) was most of the page's read (about 2 ms of CPU, bench/profiles.md)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self):
        return self.full_name


def screen_rows(query: QuerySet) -> list[ContactListRow]:
    """The rows of a ``contact_list_screen_rows`` query (its ``fetch``, see
    ``contact_list_page``), with its annotations and the creation time (a sort key)."""
    columns = dict.fromkeys([*_SCREEN_FIELDS, "created_at", *query.query.annotation_select])
    return [ContactListRow(values) for values in query.values(*columns)]


# The list's drop-downs: the workspace's members (the owner filter and the bulk owner menu) and
# the first tags and companies by name, one more than a menu lists (so it knows there are too
# many), in one statement rather than three ORM queries.
_MENUS_SQL = """
SELECT
    (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.email) ORDER BY u.name, u.id),
                     '[]')
     FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id
     WHERE m.workspace_id = %(ws)s),
    (SELECT coalesce(json_agg(json_build_array(t.id, t.name) ORDER BY t.name), '[]')
     FROM (SELECT id, name FROM contacts_tag WHERE workspace_id = %(ws)s
           ORDER BY name LIMIT %(limit)s) t),
    (SELECT coalesce(json_agg(json_build_array(c.id, c.name) ORDER BY c.name), '[]')
     FROM (SELECT id, name FROM contacts_company WHERE workspace_id = %(ws)s
           ORDER BY name LIMIT %(limit)s) c)
"""


@dataclass
class ContactListMenus:
    members: list[User]  # by name (only their id, name and email)
    tags: list[tuple[int, str]]  # (id, name), by name, at most ``limit``
    companies: list[tuple[int, str]]  # the same


def contact_list_menus(workspace: Workspace, *, limit: int) -> ContactListMenus:
    """The members, and the first ``limit`` tags and companies of the workspace; one query."""
    with connection.cursor() as cursor:
        cursor.execute(_MENUS_SQL, {"ws": workspace.pk, "limit": limit})
        members, tags, companies = cursor.fetchone()
    return ContactListMenus(
        members=[User(pk=pk, name=name, email=email) for pk, name, email in members],
        tags=[(pk, name) for pk, name in tags],
        companies=[(pk, name) for pk, name in companies],
    )


# The contact with its company, owner and introducer, as its page shows them
# (``infoview/joined.py``: the ORM's select_related of the same cost ~3 ms of CPU a request).
_PAGE_MODELS = (Contact, Company, User, Contact)
_PAGE_ROW_SQL = f"""
SELECT {joined.columns(Contact, "c")}, {joined.columns(Company, "co")},
       {joined.columns(User, "u")}, {joined.columns(Contact, "r")}
FROM contacts_contact c
LEFT JOIN contacts_company co ON co.id = c.company_id
LEFT JOIN accounts_user u ON u.id = c.owner_id
LEFT JOIN contacts_contact r ON r.id = c.introduced_by_id
WHERE c.workspace_id = %s AND c.id = %s
"""  # noqa: S608 - the column lists are the models' own


def contact_page_row(*, workspace: Workspace, pk: int) -> Contact | None:
    """The workspace's contact ``pk`` (None: missing or not this workspace's) with its company,
    owner and introducer; the contact and its company of the workspace ``workspace``, so that
    their links need no query."""
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_ROW_SQL, [workspace.pk, pk])
        row = cursor.fetchone()
    if row is None:
        return None
    contact, company, owner, introducer = joined.instances(_PAGE_MODELS, row)
    contact.workspace = workspace
    if company is not None:
        company.workspace = workspace
    if introducer is not None and introducer.workspace_id == workspace.pk:
        introducer.workspace = workspace
    contact.company, contact.owner, contact.introduced_by = company, owner, introducer
    return contact


# Four small reads of the contact's page in one statement, written as SQL: through the ORM
# each cost about 1 ms of CPU to build and compile, ten times the statement's own time.
_PAGE_ROWS_SQL = """
SELECT
    (SELECT coalesce(json_agg(json_build_array(t.id, t.name) ORDER BY t.name, t.id), '[]')
     FROM contacts_contact_tags ct JOIN contacts_tag t ON t.id = ct.tag_id
     WHERE ct.contact_id = %(id)s),
    (SELECT json_build_array(u.id, u.other_name) FROM contacts_mergeundo u
     WHERE u.keep_id = %(id)s AND u.created_at >= %(since)s
     ORDER BY u.created_at DESC LIMIT 1),
    (SELECT coalesce(json_agg(json_build_array(p.id, p.first_name, p.last_name, p.created_at,
                                               p.company_id, co.name)
                              ORDER BY p.created_at, p.id), '[]')
     FROM contacts_contact p LEFT JOIN contacts_company co ON co.id = p.company_id
     WHERE p.introduced_by_id = %(id)s),
    (SELECT coalesce(json_agg(json_build_array(s.from_stage, s.to_stage, s.changed_at,
                                               s.changed_by_id, u.name, u.email)
                              ORDER BY s.changed_at DESC, s.id DESC), '[]')
     FROM contacts_stagechange s LEFT JOIN accounts_user u ON u.id = s.changed_by_id
     WHERE s.contact_id = %(id)s)
"""


@dataclass
class ContactPageRows:
    tags: list[Tag]  # by name
    merge_undo: MergeUndo | None  # only its id and the merged person's name (the banner's)
    introduced: list[Contact]  # the people this contact introduced, oldest first
    stage_changes: list[StageChange]  # newest first, each with who made it (name and email)


def contact_page_rows(contact: Contact, *, undo_since: datetime) -> ContactPageRows:
    """The contact's tags, the latest merge into it since ``undo_since`` and the people it
    introduced (with their company's name), of the contact's workspace, and its stage changes;
    one query."""
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_ROWS_SQL, {"id": contact.pk, "since": undo_since})
        tags, undo, introduced, changes = cursor.fetchone()
    workspace = contact.workspace
    if undo is not None:
        undo = MergeUndo(pk=undo[0], workspace=workspace, keep=contact, other_name=undo[1])
    read_time = Contact._meta.get_field("created_at").to_python
    people = []
    for pk, first_name, last_name, created_at, company_id, company_name in introduced:
        company = None
        if company_id is not None:
            company = Company(pk=company_id, workspace=workspace, name=company_name)
        people.append(
            Contact(
                pk=pk,
                workspace=workspace,
                first_name=first_name,
                last_name=last_name,
                created_at=read_time(created_at),
                company=company,
                introduced_by=contact,
            )
        )
    stage_changes = []
    for from_stage, to_stage, changed_at, by_id, by_name, by_email in changes:
        by = None if by_id is None else User(pk=by_id, name=by_name, email=by_email)
        stage_changes.append(
            StageChange(
                contact=contact,
                from_stage=from_stage,
                to_stage=to_stage,
                changed_at=read_time(changed_at),
                changed_by=by,
            )
        )
    return ContactPageRows(
        tags=[Tag(pk=pk, workspace=workspace, name=name) for pk, name in tags],
        merge_undo=undo,
        introduced=people,
        stage_changes=stage_changes,
    )


def company_list(*, workspace: Workspace, q: str = "") -> QuerySet:
    companies = Company.objects.filter(workspace=workspace)
    if q.strip():
        companies = companies.filter(name__icontains=q.strip())
    return companies.annotate(
        people_count=Count("people", filter=Q(people__archived_at__isnull=True))
    ).order_by("name")


# --- duplicates -----------------------------------------------------------------------------

_DUPLICATES_SQL = """
WITH email_pairs AS (
    SELECT a.id AS a, b.id AS b, 'email' AS reason
    FROM (SELECT id, unnest(emails) AS email FROM contacts_contact
          WHERE workspace_id = %(ws)s AND archived_at IS NULL) a
    JOIN (SELECT id, unnest(emails) AS email FROM contacts_contact
          WHERE workspace_id = %(ws)s AND archived_at IS NULL) b
      ON a.email = b.email AND a.id < b.id
), linkedin_pairs AS (
    SELECT a.id, b.id, 'linkedin'
    FROM contacts_contact a JOIN contacts_contact b
      ON a.linkedin_url = b.linkedin_url AND a.id < b.id
     AND b.workspace_id = %(ws)s AND b.archived_at IS NULL
    WHERE a.workspace_id = %(ws)s AND a.archived_at IS NULL AND a.linkedin_url <> ''
), name_pairs AS (
    SELECT a.id, b.id, 'name'
    FROM contacts_contact a JOIN contacts_contact b
      ON a.company_id = b.company_id AND a.id < b.id
     AND b.workspace_id = %(ws)s AND b.archived_at IS NULL
    WHERE a.workspace_id = %(ws)s AND a.archived_at IS NULL
      AND similarity(lower(a.first_name || ' ' || a.last_name),
                     lower(b.first_name || ' ' || b.last_name)) >= %(threshold)s
), pairs AS (
    SELECT * FROM email_pairs UNION ALL SELECT * FROM linkedin_pairs
    UNION ALL SELECT * FROM name_pairs
)
SELECT a, b, array_agg(DISTINCT reason ORDER BY reason)
FROM pairs GROUP BY a, b ORDER BY a, b LIMIT %(limit)s
"""


def duplicate_pairs(*, workspace: Workspace, limit: int = 200, threshold: float = 0.5):
    """Likely duplicates: [(contact, contact, [reasons])], reasons among email/linkedin/name."""
    with connection.cursor() as cursor:
        cursor.execute(
            _DUPLICATES_SQL, {"ws": workspace.pk, "limit": limit, "threshold": threshold}
        )
        rows = cursor.fetchall()
    ids = {pk for row in rows for pk in row[:2]}
    by_id = Contact.objects.select_related("company").in_bulk(ids)
    return [(by_id[a], by_id[b], reasons) for a, b, reasons in rows]
