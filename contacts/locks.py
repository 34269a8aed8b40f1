"""The per-workspace lock on who exists: held by an import's batch and by an erasure.

An import batch matches its rows against the workspace's people and writes; an erasure
suppresses and deletes a person and rewrites the uploads that hold them. Holding this
transaction-level advisory lock, each sees the other's work whole: two imports of one file
cannot both create a person, and an import cannot bring back someone erased mid-run.
"""

from django.db import connection

PEOPLE_LOCK = 72071


def workspace_people_lock(workspace_id: int) -> None:
    """Wait for, then hold until the end of the transaction, the workspace's people lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::int, %s::int)", [PEOPLE_LOCK, workspace_id]
        )
