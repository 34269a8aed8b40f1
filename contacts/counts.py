"""How many contacts a list shows, counted once per change of the workspace's contacts.

``COUNT(*)`` over tens of thousands of rows is the most expensive query of the contact list, and
its answer changes only when a contact does. The count is kept in the shared cache under the
workspace's *contacts version*; every service that writes contacts calls ``contacts_changed``,
which gives the workspace a new version, so the old counts are never read again (they expire).
"""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

TTL = 60 * 60  # a safety net only: a write gives the workspace a new version at once


def _version_key(workspace_id: int) -> str:
    return f"contacts:version:{workspace_id}"


def _bump(workspace_id: int) -> None:
    cache.set(_version_key(workspace_id), secrets.token_hex(6), None)


def contacts_changed(*, workspace_id: int) -> None:
    """Forget the workspace's cached counts, now and again when the transaction commits.

    Now, so that the writer's own next page is right; after commit, so that a reader who counted
    the old rows between the two cannot leave that count under the version others will read.
    """
    _bump(workspace_id)
    transaction.on_commit(lambda: _bump(workspace_id))


def cached_count(*, workspace_id: int, filters: dict, count) -> int:
    """``count()`` for these filters, cached while the workspace's contacts are unchanged."""
    version = cache.get(_version_key(workspace_id))
    if version is None:
        version = secrets.token_hex(6)
        cache.add(_version_key(workspace_id), version, None)
        version = cache.get(_version_key(workspace_id), version)
    digest = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:24]
    key = f"contacts:count:{workspace_id}:{version}:{digest}"
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, TTL)
    return found
