"""A scratch database on the test run's own PostgreSQL server, for tests that need an empty one
(a restore, a first ``migrate``): created beside the test database, dropped afterwards."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from django.db import connection


@contextmanager
def scratch_database(purpose: str) -> Iterator[str]:
    """Yield the name of a new, empty database; drop it (closing its connections) on exit."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_{purpose}_{os.getpid()}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"],
        port=settings["PORT"],
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield name
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def database_url(name: str) -> str:
    """A ``DATABASE_URL`` for database ``name`` on the test run's server."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{name}"
