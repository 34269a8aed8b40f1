"""How many contacts a list shows, counted once per change of the workspace's contacts.

``COUNT(*)`` over tens of thousands of rows is the most expensive query of the contact list, and
its answer changes only when a contact does. The count is kept in the shared cache under the
workspace's *contacts version*; every service that writes contacts calls ``contacts_changed``,
which gives the workspace a new version, so the old counts are never read again (they expire).
"""

import hashlib

from django.core.cache import cache

from accounts.versions import CONTACTS, PIPELINE, data_changed, data_version

TTL = 60 * 60  # a safety net only: a write gives the workspace a new version at once


def contacts_changed(*, workspace_id: int) -> None:
    """Forget the workspace's cached counts (and the reports' figures, which read contacts too),
    now and again when the transaction commits (``accounts.versions.data_changed``).
    """
    data_changed(workspace_id=workspace_id, scopes=(CONTACTS, PIPELINE))


def cached_while_unchanged(*, workspace_id: int, kind: str, of, compute):
    """``compute()``, cached while the workspace's contacts are unchanged: under ``kind`` and
    ``of`` (what the answer depends on besides the workspace's contacts, as a ``repr``)."""
    version = data_version(workspace_id=workspace_id, scope=CONTACTS)
    digest = hashlib.sha256(repr(of).encode()).hexdigest()[:24]
    key = f"contacts:{kind}:{workspace_id}:{version}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL)
    return found


def cached_count(*, workspace_id: int, filters: dict, count) -> int:
    """``count()`` for these filters, cached while the workspace's contacts are unchanged."""
    return cached_while_unchanged(
        workspace_id=workspace_id, kind="count", of=sorted(filters.items()), compute=count
    )
