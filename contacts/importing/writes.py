"""The import's writes: a batch of new people, and the companies they name, in a few statements.

The rows go to PostgreSQL as one array per column (``unnest``), built from plain values: no
model instance and no per-value compiling by the ORM, which cost more than the writes did. What
each new person gets is what ``services.contact_create`` gives one person: the workspace's
defaults, the tags, the pipeline's first stage (a ``StageChange``), the search document and
vector, and the words of the typo search. The values are trusted, not ``full_clean``-ed: the
import's planning has normalised them and checked them with ``services.too_long``.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User, Workspace
from contacts.counts import contacts_changed
from contacts.models import Contact
from contacts.services import search_document

# The columns a new person is written with; the others are nullable and start empty. A new
# NOT NULL column on Contact must be added here (contacts/tests pins the list against the model).
TEXT_COLUMNS = ("first_name", "last_name", "phone", "title", "location", "linkedin_url", "summary")
WRITTEN_COLUMNS = frozenset(
    (
        *TEXT_COLUMNS,
        "workspace_id",
        "owner_id",
        "emails",
        "company_id",
        "source",
        "connected_on",
        "cadence_days",
        "stage",
        "created_at",
        "updated_at",
        "search_text",
        "search_vector",
    )
)

# One statement: the people (the search vector computed by PostgreSQL from the document), their
# first pipeline stage, and the new words of the typo search (picked as services._WORDS_SQL
# does), read from what the INSERT returns. The ids come back in the order of the arrays.
# The words are tested once each: a batch of 1,000 people holds ~13,000, ~1,500 different.
_CREATE_SQL = """
WITH new AS (
    INSERT INTO contacts_contact (
        workspace_id, owner_id, created_at, updated_at,
        first_name, last_name, phone, title, location, linkedin_url, summary,
        emails, company_id, source, connected_on, cadence_days, stage, search_text, search_vector
    )
    SELECT %(workspace)s, %(owner)s, %(now)s, %(now)s,
        r.first_name, r.last_name, r.phone, r.title, r.location, r.linkedin_url, r.summary,
        r.emails::varchar(254)[], r.company_id, r.source, r.connected_on, r.cadence_days, r.stage,
        r.search_text, to_tsvector('simple', r.search_text)
    FROM unnest(
        %(first_name)s::text[], %(last_name)s::text[], %(phone)s::text[], %(title)s::text[],
        %(location)s::text[], %(linkedin_url)s::text[], %(summary)s::text[],
        %(emails)s::text[], %(company_id)s::bigint[], %(source)s::text[], %(connected_on)s::date[],
        %(cadence_days)s::int[], %(stage)s::text[], %(search_text)s::text[]
    ) AS r(
        first_name, last_name, phone, title, location, linkedin_url, summary,
        emails, company_id, source, connected_on, cadence_days, stage, search_text
    )
    RETURNING id, stage, search_vector
),
stages AS (
    INSERT INTO contacts_stagechange
        (workspace_id, contact_id, from_stage, to_stage, changed_by_id, changed_at)
    SELECT %(workspace)s, new.id, '', new.stage, %(owner)s, %(now)s FROM new WHERE new.stage <> ''
),
words AS (
    INSERT INTO contacts_searchword (workspace_id, word)
    SELECT DISTINCT %(workspace)s, left(word, 100)
    FROM (SELECT DISTINCT unnest(tsvector_to_array(new.search_vector)) AS word FROM new) AS w
    WHERE length(word) >= 3 AND word !~ '[@0-9/]'
    ON CONFLICT DO NOTHING
)
SELECT id FROM new ORDER BY id
"""

_TAGS_SQL = """
INSERT INTO contacts_contact_tags (contact_id, tag_id)
SELECT * FROM unnest(%s::bigint[], %s::bigint[])
"""


def _pg_array(values: Iterable) -> str:
    """An array literal of these values: each one's text quoted (quotes and backslashes
    escaped), None as NULL.

    A column goes to PostgreSQL as one such string rather than a list: psycopg2 would adapt a
    list value by value into an ``ARRAY[...]`` of a thousand constants, which cost more Python
    than the rest of the batch's write and more planning than its INSERT.
    """
    return (
        "{"
        + ",".join(
            "NULL"
            if value is None
            else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}"
    )


@transaction.atomic
def people_create_many(
    *, workspace: Workspace, owner: User | None, people: Sequence[dict], now: datetime | None = None
) -> list[int]:
    """Create many people at once; their ids, in the order given.

    Each item holds a new person's values: the ``TEXT_COLUMNS`` (missing ones empty),
    ``emails`` (normalised), ``source``, ``connected_on`` (a date, its ISO spelling, or None),
    ``company`` (a ``(id, name)`` pair or None) and ``tags`` (``(id, name)`` pairs).
    """
    if not people:
        return []
    now = now or timezone.now()
    stage = Contact.Stage.NEW if workspace.is_team else ""
    columns: dict[str, list] = {name: [] for name in TEXT_COLUMNS}
    emails, company_ids, sources, connected, documents, tag_pairs = [], [], [], [], [], []
    for person in people:
        for name in TEXT_COLUMNS:
            columns[name].append(person.get(name) or "")
        company = person.get("company")
        tags = sorted(set(person.get("tags") or ()))
        emails.append(_pg_array(person.get("emails") or ()))
        company_ids.append(company[0] if company else None)
        sources.append(person.get("source") or "")
        connected.append(person.get("connected_on") or None)
        tag_pairs.append(tags)
        documents.append(
            search_document(
                first_name=person.get("first_name") or "",
                last_name=person.get("last_name") or "",
                emails=person.get("emails") or (),
                title=person.get("title") or "",
                company=company[1] if company else None,
                location=person.get("location") or "",
                tags=[name for _id, name in tags],
                summary=person.get("summary") or "",
            )
        )
    count = len(people)
    arrays = {
        **columns,
        "emails": emails,
        "company_id": company_ids,
        "source": sources,
        "connected_on": connected,
        "cadence_days": [workspace.default_cadence_days] * count,
        "stage": [stage] * count,
        "search_text": documents,
    }
    params = {
        "workspace": workspace.pk,
        "owner": owner.pk if owner else None,
        "now": now,
        **{name: _pg_array(values) for name, values in arrays.items()},
    }
    with connection.cursor() as cursor:
        cursor.execute(_CREATE_SQL, params)
        ids = [row[0] for row in cursor.fetchall()]
        links = [(pk, tag) for pk, tags in zip(ids, tag_pairs, strict=True) for tag, _n in tags]
        if links:
            cursor.execute(
                _TAGS_SQL,
                [_pg_array(pk for pk, _t in links), _pg_array(t for _pk, t in links)],
            )
    contacts_changed(workspace_id=workspace.pk)
    return ids


# The blanks of existing people filled in: one row per person, every column written from the
# values given (the stored ones where nothing changes), as Django's bulk_update would, without
# its CASE expression compiled per person and column.
_FILL_SQL = """
UPDATE contacts_contact AS c
SET emails = u.emails::varchar(254)[], company_id = u.company_id, phone = u.phone,
    title = u.title, location = u.location, linkedin_url = u.linkedin_url, summary = u.summary,
    source = u.source, connected_on = u.connected_on, updated_at = %(now)s
FROM unnest(
    %(id)s::bigint[], %(emails)s::text[], %(company_id)s::bigint[], %(phone)s::text[],
    %(title)s::text[], %(location)s::text[], %(linkedin_url)s::text[], %(summary)s::text[],
    %(source)s::text[], %(connected_on)s::date[]
) AS u(id, emails, company_id, phone, title, location, linkedin_url, summary, source,
    connected_on)
WHERE c.id = u.id
"""
FILLED_TEXT_COLUMNS = ("phone", "title", "location", "linkedin_url", "summary", "source")


def people_fill_many(*, people: Sequence[Contact], now: datetime) -> None:
    """Write these people's ``emails``, ``company``, ``connected_on`` and
    ``FILLED_TEXT_COLUMNS`` as the instances hold them (a batch's filled-in blanks), with
    ``updated_at = now``."""
    if not people:
        return
    arrays = {
        "id": [person.pk for person in people],
        "emails": [_pg_array(person.emails) for person in people],
        "company_id": [person.company_id for person in people],
        "connected_on": [person.connected_on or None for person in people],
        **{name: [getattr(p, name) or "" for p in people] for name in FILLED_TEXT_COLUMNS},
    }
    params = {name: _pg_array(values) for name, values in arrays.items()}
    with connection.cursor() as cursor:
        cursor.execute(_FILL_SQL, {**params, "now": now})
    for person in people:
        person.updated_at = now


_COMPANIES_SQL = """
SELECT lower(name), id, name FROM contacts_company
WHERE workspace_id = %s AND lower(name) = ANY(%s::text[])
"""

_COMPANIES_ADD_SQL = """
INSERT INTO contacts_company (workspace_id, name, website, industry, notes, created_at)
SELECT %s, name, '', '', '', %s FROM unnest(%s::text[]) AS name
ON CONFLICT DO NOTHING
RETURNING lower(name), id, name
"""


def company_ids_for_names(
    *, workspace: Workspace, names: Iterable[str], now: datetime | None = None
) -> dict[str, tuple[int, str]]:
    """The workspace's companies of these names (any case), made when missing: ``(id, name)``
    by lower name. Two runs at once make no duplicate: the unique rule on the lower name
    refuses the second, which reads the first's back."""
    wanted = {name.lower(): name for name in names if name}
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_COMPANIES_SQL, [workspace.pk, _pg_array(wanted)])
        found = {key: (pk, name) for key, pk, name in cursor.fetchall()}
        missing = [name for key, name in wanted.items() if key not in found]
        if missing:
            cursor.execute(
                _COMPANIES_ADD_SQL, [workspace.pk, now or timezone.now(), _pg_array(missing)]
            )
            found.update((key, (pk, name)) for key, pk, name in cursor.fetchall())
            if len(found) < len(wanted):  # made by another run meanwhile
                late = [key for key in wanted if key not in found]
                cursor.execute(_COMPANIES_SQL, [workspace.pk, _pg_array(late)])
                found.update((key, (pk, name)) for key, pk, name in cursor.fetchall())
    return found
