"""Versions of a workspace's data, for figures kept in the shared cache until that data changes.

A cached figure is stored under the workspace's current version of the data it reads; a write
gives the workspace a new version, so the old figures are never read again (they expire). Each
*scope* is one kind of data with its own version: ``contacts`` (the contact lists' counts) and
``pipeline`` (what the reports read: contacts, stage changes, interviews, assessments,
follow-ups and the names of members; and the workspace home's insights and lists: notes,
objectives, prep checklists; the follow-up list's "Show all" totals).
The services of the lower apps call ``data_changed``; the apps that cache read
``data_version``. It lives here, at the bottom of the app graph, so that every app may call it.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

CONTACTS = "contacts"
PIPELINE = "pipeline"


def _key(scope: str, workspace_id: int) -> str:
    return f"{scope}:version:{workspace_id}"


def _bump(scopes: tuple[str, ...], workspace_id: int) -> None:
    """New versions for these scopes, in one round trip to the cache (``set_many``)."""
    cache.set_many({_key(scope, workspace_id): secrets.token_hex(6) for scope in scopes}, None)


class _BumpOnCommit:
    """The bump a transaction owes its workspace's scopes when it commits."""

    __slots__ = ("key",)

    def __init__(self, scopes: tuple[str, ...], workspace_id: int):
        self.key = (scopes, workspace_id)

    def __call__(self) -> None:
        _bump(*self.key)


def _owed(connection, key) -> bool:
    """Whether the transaction already owes this bump at commit. A callback still listed
    outlives any registered now: a savepoint rolled back drops its callbacks from the list at
    once, and those of a savepoint still open would go with one registered inside it."""
    return any(
        isinstance(func, _BumpOnCommit) and func.key == key
        for _sids, func, _robust in connection.run_on_commit
    )


def data_changed(*, workspace_id: int, scopes: tuple[str, ...] = (PIPELINE,)) -> None:
    """Forget what was cached from the workspace's data, now and again when the transaction commits.

    Now, so that the writer's own next page is right; after commit, so that a reader who read the
    old rows between the two cannot leave its figures under the version others will read. A
    transaction that changes the same data twice (a note, then the keep-in-touch it moves) owes
    one bump at commit, not two; outside a transaction ``on_commit`` would bump again at once,
    at the same moment as the bump now.
    """
    _bump(scopes, workspace_id)
    connection = transaction.get_connection()
    if not connection.in_atomic_block and connection.get_autocommit():
        return
    key = (scopes, workspace_id)
    if connection.in_atomic_block and _owed(connection, key):
        return
    transaction.on_commit(_BumpOnCommit(scopes, workspace_id))


def data_version(*, workspace_id: int, scope: str = PIPELINE) -> str:
    """The workspace's current version of one scope of data (made on first use)."""
    key = _key(scope, workspace_id)
    version = cache.get(key)
    if version is None:
        version = secrets.token_hex(6)
        cache.add(key, version, None)
        version = cache.get(key, version)
    return version


def data_version_and(*, workspace_id: int, scope: str, key: str) -> tuple[str, object]:
    """``data_version`` and what the cache holds under ``key`` (None if nothing), in one round
    trip when the version exists: for figures stored with the version they were read under."""
    version_key = _key(scope, workspace_id)
    found = cache.get_many([version_key, key])
    version = found.get(version_key) or data_version(workspace_id=workspace_id, scope=scope)
    return version, found.get(key)


def data_versions(*, workspace_ids, scope: str = PIPELINE) -> dict[int, str]:
    """``data_version`` of several workspaces, in one round trip to the cache when all exist."""
    keys = {_key(scope, workspace_id): workspace_id for workspace_id in workspace_ids}
    found = cache.get_many(list(keys))
    return {
        workspace_id: found.get(key) or data_version(workspace_id=workspace_id, scope=scope)
        for key, workspace_id in keys.items()
    }
