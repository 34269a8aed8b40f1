"""Two `migrate` at once on a fresh database (two nodes deploying together): both exit 0."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def fresh_database(db):
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migrate_{os.getpid()}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"],
        port=settings["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    yield f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_two_migrates_at_once_both_succeed_and_the_second_waits(fresh_database):
    env = {**os.environ, "DATABASE_URL": fresh_database, "LOG_LEVEL": "WARNING"}
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    # One applied everything; the other waited, then found nothing left to do.
    assert sum("Applying accounts.0001_initial... OK" in out for out in outputs) == 1
    assert any("waiting" in out and "No migrations to apply" in out for out in outputs), outputs
