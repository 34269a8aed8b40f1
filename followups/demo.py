"""Demo follow-ups: thank-yous for completed conversations, keep-in-touch notes, a few ad hoc.

Idempotent: every row is found by a natural key before it is made, and the services used
(``followup_open_thank_you``, ``keep_in_touch_reschedule``) are idempotent themselves.
"""

from datetime import timedelta

from django.utils import timezone

from contacts.models import Contact
from followups import services
from followups.models import FollowUp, Signature
from interviews.models import Interview

AD_HOC = [
    (FollowUp.Kind.UPDATE, "Tell them how the portfolio review went", -2),
    (FollowUp.Kind.ADVICE, "Ask which conferences are worth attending", 0),
    (FollowUp.Kind.REFERRAL, "Ask for an introduction to the data team lead", 3),
]


def _contacts(workspace, owner):
    contacts = list(Contact.objects.filter(workspace=workspace, archived_at=None).order_by("pk"))
    if contacts:
        return contacts
    # The contacts app had no demo rows for this workspace: add two people of our own.
    people = [
        ("Priya", "Natarajan", "priya.natarajan@example.org"),
        ("Tom", "Hughes", "tom.hughes@example.org"),
    ]
    made = []
    for first, last, email in people:
        contact, _created = Contact.objects.get_or_create(
            workspace=workspace,
            first_name=first,
            last_name=last,
            defaults={"emails": [email], "owner": owner, "cadence_days": 90},
        )
        made.append(contact)
    return made


def _seed_workspace(workspace, owner):
    now = timezone.now()
    contacts = _contacts(workspace, owner)
    for interview in Interview.objects.filter(
        workspace=workspace, status=Interview.Status.COMPLETED
    ).select_related("workspace", "contact"):
        services.followup_open_thank_you(interview=interview)
    for contact in contacts:
        if contact.cadence_days:
            services.keep_in_touch_reschedule(contact=contact)
    for (kind, title, days), contact in zip(AD_HOC, contacts * len(AD_HOC), strict=False):
        if not FollowUp.objects.filter(workspace=workspace, contact=contact, title=title).exists():
            services.followup_create(
                workspace=workspace,
                contact=contact,
                owner=contact.owner or owner,
                kind=kind,
                title=title,
                due_at=now + timedelta(days=days),
            )


def seed(*, demo) -> None:
    _seed_workspace(demo.personal, demo.candidate)
    _seed_workspace(demo.team, demo.admin)
    for user in (demo.candidate, demo.admin, *demo.recruiters):
        Signature.objects.get_or_create(user=user, defaults={"text": f"{user.name}\n{user.email}"})
