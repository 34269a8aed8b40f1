"""Demo openings with a shortlist, drawn from the team's assessed contacts.

Idempotent: the opening is found by its title, and shortlist entries are unique per contact.
"""

from contacts.models import Contact
from reports import services
from reports.models import Opening

OPENINGS = [
    ("Data engineer", ["python", "sql", "data engineering"], "Hybrid, London. Ask for referrals."),
    ("Product designer", ["design", "research"], "Junior or mid-level."),
]


def seed(*, demo) -> None:
    team, admin = demo.team, demo.admin
    for title, skills, notes in OPENINGS:
        opening = Opening.objects.filter(workspace=team, title=title).first()
        if opening is None:
            opening = services.opening_create(
                workspace=team, created_by=admin, title=title, skills=skills, notes=notes
            )
    opening = Opening.objects.filter(workspace=team, title=OPENINGS[0][0]).first()
    assessed = (
        Contact.objects.filter(
            workspace=team, archived_at=None, interviews__assessment__isnull=False
        )
        .distinct()
        .order_by("pk")[:2]
    )
    for contact in assessed:
        services.shortlist_add(opening=opening, contact=contact, added_by=admin)
