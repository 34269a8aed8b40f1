"""The shared cache: Redis from CACHE_URL or REDIS_URL; production refuses to start without it,
development without it shares files under var/cache/ between its processes."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "infoview.example.org",
}
SHOW = "from django.conf import settings; c = settings.CACHES['default']; "
SHOW += "print(c['BACKEND'], c.get('LOCATION'), c.get('KEY_PREFIX'))"


def _shell(env_overrides: dict, code: str = SHOW) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL"}}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_cache_url(db):
    result = _shell(PRODUCTION)
    assert result.returncode != 0
    assert "CACHE_URL (or REDIS_URL) must be set when DEBUG is false" in result.stderr


def test_cache_url_wins_over_redis_url(db):
    result = _shell(
        {
            **PRODUCTION,
            "CACHE_URL": "redis://cache.example.org:6379/1",
            "REDIS_URL": "redis://broker.example.org:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "infoview.cache.KeptClientsRedisCache",
        "redis://cache.example.org:6379/1",
        "infoview",
    ]


def test_redis_url_serves_when_cache_url_is_not_set(db):
    result = _shell({**PRODUCTION, "REDIS_URL": "redis://broker.example.org:6379/0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "redis://broker.example.org:6379/0"


def test_development_without_either_shares_one_cache_between_processes(db, tmp_path):
    # `make run`'s web, worker and beat: an import on the worker gives the workspace a new data
    # version that the web process must see, or its cached searches and figures stay as they
    # were.
    env = {"DEBUG": "true", "INFOVIEW_VAR_DIR": str(tmp_path / "var")}
    shown = _shell(env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[:2] == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path / "var" / "cache"),
    ]
    written = _shell(env, "from django.core.cache import cache; cache.set('k', 'v', 60)")
    assert written.returncode == 0, written.stderr
    read = _shell(env, "from django.core.cache import cache; print(cache.get('k'))")
    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == ["v"]
