"""Two `migrate` at once on a fresh database (two nodes deploying together): both exit 0."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infoview.testing.databases import database_url, scratch_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def fresh_database(db):
    with scratch_database("migrate") as name:
        yield database_url(name)


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
