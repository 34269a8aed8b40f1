"""The talent pool: people assessed in past conversations, searched for a new opening."""

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Subquery,
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
    opening: Opening | None = None,
    skills: list[str] | None = None,
    stage: str = "",
    min_score: int | None = None,
    future_only: bool = False,
) -> QuerySet[Contact]:
    """Contacts with an assessment that matches every criterion, best latest score first.

    One assessment must meet all the criteria together (skills overlap, each score at least
    ``min_score``, "consider for future roles"); the row shows the contact's latest assessment.
    """
    matching = Assessment.objects.filter(workspace=workspace, interview__contact=OuterRef("pk"))
    if skills:
        matching = matching.filter(skills__overlap=skills)
    if min_score:
        matching = matching.filter(
            passion__gte=min_score, motivation__gte=min_score, cultural_fit__gte=min_score
        )
    if future_only:
        matching = matching.filter(consider_for_future=True)
    latest = Assessment.objects.filter(
        workspace=workspace, interview__contact=OuterRef("pk")
    ).order_by(F("interview__starts_at").desc(nulls_last=True), "-pk")
    contacts = Contact.objects.filter(workspace=workspace, archived_at=None).filter(
        Exists(matching)
    )
    if stage:
        contacts = contacts.filter(stage=stage)
    average = Cast(F("passion") + F("motivation") + F("cultural_fit"), FloatField()) / 3.0
    contacts = contacts.annotate(
        score=Subquery(latest.annotate(avg=average).values("avg")[:1], output_field=FloatField()),
        skills=Subquery(latest.values("skills")[:1]),
        future=Subquery(latest.values("consider_for_future")[:1]),
        roles=Subquery(latest.values("roles_in_mind")[:1]),
    )
    if opening is not None:
        contacts = contacts.annotate(
            shortlisted=Exists(
                ShortlistEntry.objects.filter(opening=opening, contact=OuterRef("pk"))
            )
        )
    return contacts.select_related("company").order_by(
        F("score").desc(nulls_last=True), "last_name", "first_name", "pk"
    )


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
        .select_related("contact__company", "contact__workspace", "referral_followup", "added_by")
        .order_by("added_at", "pk")
    )


__all__ = ["POOL_LIMIT", "openings_list", "shortlist_of", "talent_pool"]
