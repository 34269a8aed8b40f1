"""Backups that restore: docs/operations.md's pg_dump and pg_restore, run on the demo data.

The demo data is dumped in the custom format, restored into a new, empty database, migrated
(nothing to apply: the dump holds the schema and the migration history) and logged into by
a fresh process that knows only the restored database.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from contacts.models import Contact
from infoview.demo_logins import DEMO_PASSWORD, DEMO_PEOPLE
from infoview.testing.databases import database_url, scratch_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent

LOG_IN = textwrap.dedent(
    """
    from django.test import Client
    from contacts.models import Contact
    client = Client(HTTP_HOST="localhost")
    answer = client.post("/accounts/login/", {"username": EMAIL, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    home = client.get("/", follow=True)
    assert home.status_code == 200, home.status_code
    print("logged in;", home.redirect_chain[-1][0], ";", Contact.objects.count(), "contacts")
    """
)


def _client_version(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    return int(output.split()[-1].split(".")[0])


@pytest.fixture
def restored_database(transactional_db):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump and pg_restore are not installed")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    if _client_version("pg_dump") < server_major:
        pytest.skip(f"pg_dump is older than the server (PostgreSQL {server_major})")
    with scratch_database("restore") as name:
        yield name


def test_a_dump_of_the_demo_data_restores_migrates_and_logs_in(restored_database, tmp_path):
    call_command("seed_demo", verbosity=0)
    contacts = Contact.objects.count()
    assert contacts > 0 and User.objects.count() >= len(DEMO_PEOPLE)
    settings = connection.settings_dict
    server = ["-h", settings["HOST"], "-p", str(settings["PORT"]), "-U", settings["USER"]]
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    dump = tmp_path / "infoview.dump"

    # The commands of docs/operations.md.
    subprocess.run(
        ["pg_dump", *server, "--format=custom", "--file", str(dump), settings["NAME"]],
        env=env,
        check=True,
    )
    subprocess.run(
        ["pg_restore", *server, "--no-owner", "--exit-on-error"]
        + ["--dbname", restored_database, str(dump)],
        env=env,
        check=True,
    )

    app_env = {
        **os.environ,
        "DATABASE_URL": database_url(restored_database),
        "LOG_LEVEL": "WARNING",
    }
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=app_env,
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "No migrations to apply" in migrated.stdout

    email = DEMO_PEOPLE["admin"][0]
    script = f"EMAIL = {email!r}\nPASSWORD = {DEMO_PASSWORD!r}\n{LOG_IN}"
    logged_in = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=app_env,
        capture_output=True,
        text=True,
    )
    assert logged_in.returncode == 0, logged_in.stderr
    assert "logged in; /w/" in logged_in.stdout
    assert f"; {contacts} contacts" in logged_in.stdout
