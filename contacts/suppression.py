"""People erased on request: kept as hashes so an import cannot bring them back.

Privacy's erasure writes here (``contact_suppress``); the contacts import reads
(``suppressed_values``). Hashes only: nothing here names the person.
"""

import hashlib
from collections.abc import Iterable

from django.db.models import Q

from accounts.models import Workspace
from contacts.models import Contact, Suppression
from contacts.services import normalise_linkedin


def _normalise(kind: str, value: str) -> str:
    value = (value or "").strip().lower()
    if kind == Suppression.Kind.LINKEDIN and value:
        value = normalise_linkedin(value).lower()
    return value


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(_normalise(kind, value).encode()).hexdigest()


def is_suppressed(workspace: Workspace, *, email: str = "", linkedin_url: str = "") -> bool:
    """Was this person erased from ``workspace`` on request?"""
    wanted = Q(pk__in=[])
    if _normalise(Suppression.Kind.EMAIL, email):
        wanted |= Q(kind=Suppression.Kind.EMAIL, value_hash=_hash("email", email))
    if _normalise(Suppression.Kind.LINKEDIN, linkedin_url):
        wanted |= Q(kind=Suppression.Kind.LINKEDIN, value_hash=_hash("linkedin", linkedin_url))
    return Suppression.objects.filter(wanted, workspace=workspace).exists()


def suppressed_values(
    workspace: Workspace, *, emails: Iterable[str] = (), linkedin_urls: Iterable[str] = ()
) -> set[str]:
    """Which of these addresses and profiles were erased on request (one query, for imports)."""
    by_hash = {}
    for kind, values in (
        (Suppression.Kind.EMAIL, emails),
        (Suppression.Kind.LINKEDIN, linkedin_urls),
    ):
        for value in values:
            if _normalise(kind, value):
                by_hash.setdefault((kind, _hash(kind, value)), []).append(value)
    if not by_hash:
        return set()
    found = Suppression.objects.filter(
        workspace=workspace, value_hash__in=[h for _kind, h in by_hash]
    ).values_list("kind", "value_hash")
    return {value for key in found for value in by_hash.get(tuple(key), [])}


def contact_suppress(*, contact: Contact) -> None:
    """Remember the contact's addresses and profile (hashed) before they are erased."""
    values = [(Suppression.Kind.EMAIL, e) for e in contact.emails if e.strip()]
    if contact.linkedin_url.strip():
        values.append((Suppression.Kind.LINKEDIN, contact.linkedin_url))
    Suppression.objects.bulk_create(
        [
            Suppression(workspace_id=contact.workspace_id, kind=kind, value_hash=_hash(kind, v))
            for kind, v in values
        ],
        ignore_conflicts=True,
    )
