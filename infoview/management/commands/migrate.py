"""``manage.py migrate`` that waits for any other one running against the same database.

At deploy time two nodes may both run ``migrate`` at once; without a lock both see the same
unapplied migrations and the second fails halfway (a table that already exists). This one
holds a PostgreSQL advisory lock, on its own connection's session, for the whole run: the
second waits, then finds nothing left to apply and exits 0.
"""

import zlib

from django.core.management.commands import migrate
from django.db import connections

# A fixed number in PostgreSQL's advisory-lock space, the same for every node.
LOCK_KEY = zlib.crc32(b"infoview.migrate")


class Command(migrate.Command):
    help = migrate.Command.help + " Waits for any other migrate on the same database first."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            (got_it,) = cursor.fetchone()
            if not got_it:
                if options["verbosity"] >= 1:
                    self.stdout.write("Another migrate is running on this database; waiting.")
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
