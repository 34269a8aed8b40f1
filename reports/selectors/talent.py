"""The talent pool: people assessed in past conversations, searched for a new opening."""

from django.contrib.postgres.aggregates import BoolOr
from django.db.models import (
    Count,
    F,
    FloatField,
    Max,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from accounts.models import Workspace
from contacts.models import Contact
from interviews.models import Assessment
from reports.models import Opening, ShortlistEntry

POOL_LIMIT = 50


def talent_pool(
    *,
    workspace: Workspace,
    skills: list[str] | None = None,
    stage: str = "",
    min_score: int | None = None,
    future_only: bool = False,
) -> QuerySet[Contact]:
    """Contacts with an assessment that meets every criterion, best matching score first.

    One assessment must meet all the criteria together (skills overlap, each score at least
    ``min_score``, "consider for future roles"). ``score`` is the best average of the matching
    assessments. ``talent_pool_page`` adds the skills of each person's latest assessment.
    """
    criteria = Q(interviews__assessment__workspace=workspace)
    if skills:
        criteria &= Q(interviews__assessment__skills__overlap=skills)
    if min_score:
        criteria &= Q(
            interviews__assessment__passion__gte=min_score,
            interviews__assessment__motivation__gte=min_score,
            interviews__assessment__cultural_fit__gte=min_score,
        )
    if future_only:
        criteria &= Q(interviews__assessment__consider_for_future=True)
    contacts = Contact.objects.filter(workspace=workspace, archived_at=None)
    if stage:
        contacts = contacts.filter(stage=stage)
    scores = [
        F(f"interviews__assessment__{name}") for name in ("passion", "motivation", "cultural_fit")
    ]
    # filter() before annotate(): the aggregates run over the matching assessments only.
    # Grouped on the id alone, so PostgreSQL sorts narrow rows; the page fetches the rest.
    return (
        contacts.filter(criteria)
        .values("pk")
        .annotate(
            score=Max(Cast(scores[0] + scores[1] + scores[2], FloatField()) / 3.0),
            future=BoolOr("interviews__assessment__consider_for_future"),
        )
        .order_by(F("score").desc(nulls_last=True), "last_name", "first_name", "pk")
    )


def talent_pool_page(
    ranked: QuerySet, *, opening: Opening | None = None, limit: int = POOL_LIMIT
) -> list[Contact]:
    """The first ``limit`` people of ``talent_pool``, with ``score``, ``future``, ``skills`` (of
    their latest assessment) and ``shortlisted`` for ``opening``: four queries whatever the size.
    """
    rows = list(ranked[:limit])
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    # What a row shows (reports/pool_rows.py): not the company, nor the search document.
    contacts = Contact.objects.only("pk", "first_name", "last_name", "stage").in_bulk(ids)
    latest = dict(
        Assessment.objects.filter(interview__contact__in=ids)
        .order_by("interview__contact_id", F("interview__starts_at").desc(nulls_last=True), "-pk")
        .distinct("interview__contact_id")
        .values_list("interview__contact_id", "skills")
    )
    shortlisted = set()
    if opening is not None:
        shortlisted = set(
            ShortlistEntry.objects.filter(opening=opening, contact__in=ids).values_list(
                "contact_id", flat=True
            )
        )
    people = []
    for row in rows:  # at most ``limit`` rows, already ranked by PostgreSQL
        contact = contacts[row["pk"]]
        contact.score, contact.future = row["score"], row["future"]
        contact.skills = latest.get(contact.pk, [])
        contact.shortlisted = contact.pk in shortlisted
        people.append(contact)
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


__all__ = ["POOL_LIMIT", "openings_list", "shortlist_of", "talent_pool"]
