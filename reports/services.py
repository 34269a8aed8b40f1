"""Writes of the reports app: openings, their shortlists, and referral requests."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, Workspace
from contacts.models import Contact
from followups.models import FollowUp
from followups.services import followup_create
from reports.models import Opening, ShortlistEntry


def skills_parse(text: str) -> list[str]:
    """'Python, data  engineering,python' -> ['python', 'data engineering']."""
    seen = []
    for part in text.split(","):
        skill = " ".join(part.split()).lower()[:60]
        if skill and skill not in seen:
            seen.append(skill)
    return seen


def opening_create(
    *, workspace: Workspace, created_by: User, title: str, skills: list[str], notes: str = ""
) -> Opening:
    opening = Opening(
        workspace=workspace, created_by=created_by, title=title.strip(), skills=skills, notes=notes
    )
    opening.full_clean(exclude=["workspace", "created_by"])
    opening.save()
    return opening


def shortlist_add(*, opening: Opening, contact: Contact, added_by: User) -> ShortlistEntry:
    """Idempotent: adding a contact twice keeps the first entry."""
    if contact.workspace_id != opening.workspace_id:
        raise ValueError("The contact and the opening belong to different workspaces.")
    try:
        with transaction.atomic():
            entry, _created = ShortlistEntry.objects.get_or_create(
                opening=opening,
                contact=contact,
                defaults={"workspace_id": opening.workspace_id, "added_by": added_by},
            )
    except IntegrityError:  # a concurrent click won the race
        entry = ShortlistEntry.objects.get(opening=opening, contact=contact)
    return entry


def shortlist_remove(*, entry: ShortlistEntry) -> None:
    entry.delete()


@transaction.atomic
def shortlist_ask_referral(
    *, entry: ShortlistEntry, owner: User, due_at: datetime | None = None
) -> FollowUp:
    """Open an "ask for a referral" follow-up with the contact, once per shortlist entry."""
    entry = (
        ShortlistEntry.objects.select_for_update()
        .select_related("opening", "contact")
        .get(pk=entry.pk)
    )
    if entry.referral_followup_id and entry.referral_followup.is_pending:
        return entry.referral_followup
    followup = followup_create(
        workspace=entry.contact.workspace,
        contact=entry.contact,
        owner=owner,
        kind=FollowUp.Kind.REFERRAL,
        due_at=due_at or timezone.now(),
        title=_("Ask for a referral for %(opening)s") % {"opening": entry.opening.title},
    )
    entry.referral_followup = followup
    entry.save(update_fields=["referral_followup"])
    return followup
