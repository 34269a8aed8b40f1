"""Demo privacy records for the team: a retention policy, lawful bases and a short audit trail.

Idempotent: the policy and lawful bases are get-or-create; audit events (which can never be
deleted) are written only when that exact event is not there yet.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import AuditEvent
from contacts.models import Contact
from privacy.models import ContactPrivacy, RetentionPolicy

NOTICE_URL = "https://example.org/privacy-notice"


def seed(*, demo) -> None:
    team = demo.team
    RetentionPolicy.objects.get_or_create(
        workspace=team, defaults={"months": 24, "privacy_notice_url": NOTICE_URL}
    )
    contacts = list(Contact.objects.filter(workspace=team).order_by("pk")[:12])
    now = timezone.now()
    for index, contact in enumerate(contacts):
        consent = index % 3 == 0
        ContactPrivacy.objects.get_or_create(
            contact=contact,
            defaults={
                "workspace": team,
                "lawful_basis": (
                    ContactPrivacy.LawfulBasis.CONSENT
                    if consent
                    else ContactPrivacy.LawfulBasis.LEGITIMATE_INTEREST
                ),
                "consent_at": (contact.created_at if consent else None),
            },
        )
    actors = [demo.admin, *demo.recruiters]
    for index, contact in enumerate(contacts[:6]):
        actor = actors[index % len(actors)]
        action = AuditEvent.Action.EXPORTED if index == 0 else AuditEvent.Action.VIEWED
        event = {
            "workspace": team,
            "actor_id": actor.pk,
            "action": action,
            "object_type": "contacts.contact",
            "object_id": contact.pk,
        }
        if not AuditEvent.objects.filter(**event).exists():
            AuditEvent.objects.create(**event, at=now - timedelta(hours=index * 5 + 1))
