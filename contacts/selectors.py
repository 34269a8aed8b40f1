"""Reads: the searchable, filterable contact list, companies, duplicates."""

import re
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User, Workspace
from contacts.models import Company, Contact

SORTS = {
    "name": ["last_name", "first_name", "pk"],
    "-created": ["-created_at", "-pk"],
    "last_interaction": [F("last_interaction_at").asc(nulls_first=True), "pk"],
    "-last_interaction": [F("last_interaction_at").desc(nulls_last=True), "pk"],
    "company": [F("company__name").asc(nulls_last=True), "last_name", "first_name", "pk"],
}

_WORD = re.compile(r"[\w@.+'-]+", re.UNICODE)


def _prefix_tsquery(term: str) -> str:
    """Every word of the term as a prefix, so a live search matches while the user types."""
    words = []
    for word in _WORD.findall(term.lower()):
        word = word.strip("'.-+")
        if word:
            words.append("'" + word.replace("'", "''") + "':*")
    return " & ".join(words)


def contacts_search(queryset: QuerySet, term: str) -> QuerySet:
    """Full-text search (prefixes of every word) or, for typos, trigram word similarity."""
    term = " ".join(term.split())[:200]
    tsquery = _prefix_tsquery(term)
    if not tsquery:
        return queryset
    return queryset.filter(
        Q(search_vector=SearchQuery(tsquery, search_type="raw", config="simple"))
        | Q(search_text__trigram_word_similar=term.lower())
    ).annotate(relevance=TrigramWordSimilarity(term.lower(), "search_text"))


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
        contacts = contacts_search(contacts, q)
        if not sort:
            return contacts.order_by("-relevance", "last_name", "first_name", "pk")
    return contacts.order_by(*SORTS.get(sort or "name", SORTS["name"]))


def contact_list_page_rows(contacts: QuerySet) -> QuerySet:
    """What one row of the list shows, in a fixed number of queries whatever the page size."""
    return contacts.select_related("company", "owner").prefetch_related("tags")


def workspace_people(workspace: Workspace) -> QuerySet:
    """The users who can own a contact of this workspace."""
    return User.objects.filter(membership__workspace=workspace).order_by("name")


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
