"""People erased on request: kept as keyed hashes so nobody can bring them back.

Privacy's erasure writes here (``contact_suppress``); every path that creates a person reads
(``suppression_check`` for one person, ``suppressed_keys`` for an import's rows). Values are
normalised first (``contacts.normalise``: display names, angle brackets, ``mailto:``, case,
spaces; LinkedIn host, language suffix, query, trailing slash), then hashed with HMAC-SHA256
under ``settings.SUPPRESSION_KEY``: a copy of the table cannot be checked against a list of
addresses without the key. Rows written before the key existed hold a bare SHA-256; they are
still matched (they cannot be re-keyed without the address), see docs/privacy.md.
"""

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import Workspace
from contacts.models import Contact, Suppression
from contacts.normalise import email_key, linkedin_key

_KEYS = {Suppression.Kind.EMAIL: email_key, Suppression.Kind.LINKEDIN: linkedin_key}


def _key() -> bytes:
    configured = getattr(settings, "SUPPRESSION_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"infoview.suppression", "sha256").digest()


def _hashes(kind: str, normal: str, key: bytes | None = None) -> list[str]:
    """The keyed hash, then the bare SHA-256 of rows written before keys (matched, not written)."""
    keyed = hmac.digest(key or _key(), f"{kind}:{normal}".encode(), "sha256").hex()
    return [keyed, hashlib.sha256(normal.encode()).hexdigest()]


_FOUND_SQL = """
SELECT kind, value_hash FROM contacts_suppression
WHERE workspace_id = %s AND value_hash = ANY(%s)
"""


def suppressed_keys(
    workspace: Workspace, *, emails: Iterable[str] = (), linkedin_urls: Iterable[str] = ()
) -> set[str]:
    """Which of these values (as their ``*_key`` spelling) were erased on request: one query,
    whatever their number (an import asks for a whole batch's)."""
    key = _key()
    by_hash: dict[tuple[str, str], str] = {}
    for kind, values in (
        (Suppression.Kind.EMAIL, emails),
        (Suppression.Kind.LINKEDIN, linkedin_urls),
    ):
        for value in values:
            normal = _KEYS[kind](value)
            if normal:
                for digest in _hashes(kind, normal, key):
                    by_hash[(kind, digest)] = normal
    if not by_hash:
        return set()
    # value_hash = ANY(one array): an IN list costs Django a compile per value.
    with connection.cursor() as cursor:
        cursor.execute(_FOUND_SQL, [workspace.pk, list({digest for _kind, digest in by_hash})])
        found = cursor.fetchall()
    return {by_hash[key] for key in map(tuple, found) if key in by_hash}


def workspace_has_suppressions(workspace: Workspace) -> bool:
    """Was anyone ever erased on request from this workspace? When not, an import's rows need
    no hashing at all: most workspaces, and a hash pair per address and profile saved."""
    return Suppression.objects.filter(workspace=workspace).exists()


def record_suppressed(record: dict, keys: set[str]) -> bool:
    """Does this import record (raw, uncleaned) name someone erased on request?"""
    if not keys:
        return False
    emails = record.get("emails", [])
    if isinstance(emails, str):
        emails = [emails]
    values = [email_key(e) for e in emails] + [linkedin_key(record.get("linkedin_url", ""))]
    return any(value in keys for value in values if value)


def is_suppressed(workspace: Workspace, *, email: str = "", linkedin_url: str = "") -> bool:
    """Was this person erased from ``workspace`` on request?"""
    return bool(
        suppressed_keys(
            workspace, emails=[email], linkedin_urls=[linkedin_url] if linkedin_url else []
        )
    )


def suppressed_values(
    workspace: Workspace, *, emails: Iterable[str] = (), linkedin_urls: Iterable[str] = ()
) -> set[str]:
    """The given values (as given) that were erased on request."""
    emails, linkedin_urls = list(emails), list(linkedin_urls)
    keys = suppressed_keys(workspace, emails=emails, linkedin_urls=linkedin_urls)
    return {e for e in emails if email_key(e) in keys} | {
        u for u in linkedin_urls if linkedin_key(u) in keys
    }


def suppression_check(
    workspace: Workspace, *, emails: Iterable[str] = (), linkedin_url: str = ""
) -> None:
    """Refuse to create (or give back) a person erased on request, naming the field."""
    emails = list(emails)
    keys = suppressed_keys(workspace, emails=emails, linkedin_urls=[linkedin_url])
    if not keys:
        return
    message = _("This person was erased on request and cannot be added again.")
    if any(email_key(e) in keys for e in emails):
        raise ValidationError({"emails": message})
    raise ValidationError({"linkedin_url": message})


def contact_suppress(*, contact: Contact) -> None:
    """Remember the contact's addresses and profile (keyed hashes) before they are erased."""
    values = [(Suppression.Kind.EMAIL, email_key(e)) for e in contact.emails]
    values.append((Suppression.Kind.LINKEDIN, linkedin_key(contact.linkedin_url)))
    Suppression.objects.bulk_create(
        [
            Suppression(
                workspace_id=contact.workspace_id, kind=kind, value_hash=_hashes(kind, normal)[0]
            )
            for kind, normal in values
            if normal
        ],
        ignore_conflicts=True,
    )
