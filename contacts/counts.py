"""How many contacts a list shows (and which a search shows first), worked out once per change
of the workspace's contacts.

``COUNT(*)`` over tens of thousands of rows is the most expensive query of the contact list, and
its answer changes only when a contact does; so does the ranking of a search. Each is kept in the
shared cache with the workspace's *contacts version*; every service that writes contacts calls
``contacts_changed``, which gives the workspace a new version, so an answer kept with an old one
is never used again (it is replaced or expires).
"""

import hashlib

from django.core.cache import cache

from accounts.versions import CONTACTS, PIPELINE, data_changed, data_version_and

TTL = 60 * 60  # a safety net only: a write gives the workspace a new version at once


def contacts_changed(*, workspace_id: int) -> None:
    """Forget the workspace's cached counts (and the reports' figures, which read contacts too),
    now and again when the transaction commits (``accounts.versions.data_changed``).
    """
    data_changed(workspace_id=workspace_id, scopes=(CONTACTS, PIPELINE))


def kept_while_unchanged(*, workspace_id: int, kind: str, of):
    """``(found, keep)``: the answer kept under ``kind`` and ``of`` (what it depends on besides
    the workspace's contacts, as a ``repr``) if it was kept under the workspace's current
    contacts version, else None; and ``keep(answer)``, which keeps a new one under that version
    (read before the answer is worked out: a write meanwhile makes it stale at once).

    The version and the answer are read in one round trip to the cache. None is never kept."""
    digest = hashlib.sha256(repr(of).encode()).hexdigest()[:24]
    key = f"contacts:{kind}:{workspace_id}:{digest}"
    version, kept = data_version_and(workspace_id=workspace_id, scope=CONTACTS, key=key)

    def keep(answer) -> None:
        cache.set(key, (version, answer), TTL)

    if kept is not None and kept[0] == version:
        return kept[1], keep
    return None, keep


def cached_while_unchanged(*, workspace_id: int, kind: str, of, compute):
    """``compute()``, cached while the workspace's contacts are unchanged
    (``kept_while_unchanged``)."""
    found, keep = kept_while_unchanged(workspace_id=workspace_id, kind=kind, of=of)
    if found is None:
        found = compute()
        keep(found)
    return found


def cached_count(*, workspace_id: int, filters: dict, count) -> int:
    """``count()`` for these filters, cached while the workspace's contacts are unchanged."""
    return cached_while_unchanged(
        workspace_id=workspace_id, kind="count", of=sorted(filters.items()), compute=count
    )
