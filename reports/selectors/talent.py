"""The talent pool: people assessed in past conversations, searched for a new opening."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet

from accounts.models import Workspace
from accounts.versions import PIPELINE, data_version_and
from reports.models import Opening, ShortlistEntry

POOL_LIMIT = 50
# A safety net only: a write to what the pool reads gives the workspace a new version at once.
CACHE_TTL = 60 * 60


# One statement, written once: the ranked people (grouped on the id alone, so PostgreSQL sorts
# narrow rows), then for the page's 50 their name, stage and the skills of their latest
# assessment (by the interview's start, then the newest assessment). One assessment must meet
# all the criteria together; a criterion given as NULL (or '', or false) is left out, which
# PostgreSQL folds away when it plans the statement.
POOL_SQL = """
WITH ranked AS (
    SELECT c.id,
           MAX(((a.passion + a.motivation + a.cultural_fit))::double precision / 3.0) AS score,
           BOOL_OR(a.consider_for_future) AS future
    FROM contacts_contact c
    JOIN interviews_interview i ON i.contact_id = c.id
    JOIN interviews_assessment a ON a.interview_id = i.id
    WHERE c.workspace_id = %(ws)s AND c.archived_at IS NULL AND a.workspace_id = %(ws)s
      AND (%(skills)s::varchar(60)[] IS NULL OR a.skills && %(skills)s::varchar(60)[])
      AND (%(stage)s = '' OR c.stage = %(stage)s)
      AND (%(min_score)s::integer IS NULL OR (a.passion >= %(min_score)s
           AND a.motivation >= %(min_score)s AND a.cultural_fit >= %(min_score)s))
      AND (NOT %(future_only)s OR a.consider_for_future)
    GROUP BY c.id
    ORDER BY score DESC NULLS LAST, c.last_name, c.first_name, c.id
    LIMIT %(limit)s
)
SELECT r.id, c.first_name, c.last_name, c.stage, r.score, r.future,
       COALESCE(latest.skills, '{}')
FROM ranked r
JOIN contacts_contact c ON c.id = r.id
LEFT JOIN LATERAL (
    SELECT a.skills
    FROM interviews_interview i
    JOIN interviews_assessment a ON a.interview_id = i.id
    WHERE i.contact_id = r.id
    ORDER BY i.starts_at DESC NULLS LAST, a.id DESC
    LIMIT 1
) latest ON true
ORDER BY r.score DESC NULLS LAST, c.last_name, c.first_name, r.id
"""


@dataclass(slots=True)
class PoolPerson:
    """A row of the talent pool: what reports/pool_rows.py shows of a person."""

    pk: int
    first_name: str
    last_name: str
    stage: str
    score: float | None
    future: bool
    skills: list[str]
    shortlisted: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()  # as Contact.full_name


def talent_pool(
    *,
    workspace: Workspace,
    skills: list[str] | None = None,
    stage: str = "",
    min_score: int | None = None,
    future_only: bool = False,
    opening: Opening | None = None,
    limit: int = POOL_LIMIT,
) -> list[PoolPerson]:
    """The first ``limit`` people with an assessment that meets every criterion, best matching
    score first (``score``: the best average of their matching assessments), with the skills
    of their latest assessment and whether they are on ``opening``'s shortlist.

    The ranking reads contacts, interviews and assessments only, whose every write gives the
    workspace a new ``pipeline`` data version (``accounts.versions``): it is kept in the shared
    cache under that version and the criteria. The shortlist, written without one, is read each
    time. Two queries, one when there is nobody to show.
    """
    criteria = {
        "skills": skills or None,
        "stage": stage,
        "min_score": min_score or None,
        "future_only": future_only,
        "limit": limit,
    }
    digest = hashlib.sha256(repr(sorted(criteria.items())).encode()).hexdigest()[:24]
    key = f"reports:pool:{workspace.pk}:{digest}"
    version, kept = data_version_and(workspace_id=workspace.pk, scope=PIPELINE, key=key)
    if kept is not None and kept[0] == version:
        rows = kept[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(POOL_SQL, {"ws": workspace.pk, **criteria})
            rows = cursor.fetchall()
        cache.set(key, (version, rows), CACHE_TTL)
    people = [PoolPerson(*row) for row in rows]
    if opening is not None and people:
        shortlisted = set(
            ShortlistEntry.objects.filter(
                opening=opening, contact__in=[person.pk for person in people]
            )
            .order_by()
            .values_list("contact_id", flat=True)
        )
        for person in people:
            person.shortlisted = person.pk in shortlisted
    return people


def openings_list(*, workspace: Workspace) -> QuerySet[Opening]:
    return (
        Opening.objects.filter(workspace=workspace)
        .annotate(shortlisted=Count("shortlist"))
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def shortlist_of(*, opening: Opening) -> QuerySet[ShortlistEntry]:
    return (
        ShortlistEntry.objects.filter(opening=opening, workspace=opening.workspace_id)
        # What the opening's page shows of an entry: the person, their company, the referral.
        .select_related("contact__company", "referral_followup")
        .order_by("added_at", "pk")
    )


__all__ = ["POOL_LIMIT", "PoolPerson", "openings_list", "shortlist_of", "talent_pool"]
