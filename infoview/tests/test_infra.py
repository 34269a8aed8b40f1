"""The foundation's moving parts against real services: /healthz, settings, demo data, Celery."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from infoview import localdb
from infoview.celery import app as celery_app
from infoview.demo_logins import DEMO_PASSWORD
from infoview.net import free_port
from infoview.testing.services import RedisServer

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def private_redis():
    """A Redis server of the test's own, on a free port, that the test may kill."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker(private_redis, monkeypatch):
    url = private_redis.url
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    # Celery prefers the CELERY_BROKER_URL environment variable over its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {}
    yield private_redis
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved


@pytest.fixture
def private_postgres():
    """A PostgreSQL server of the test's own, from the wheel, that the test may stop."""
    # Under var/, not /tmp: pytest's temporary folders are closed to the unprivileged user the
    # server runs as when the tests run as root.
    root = Path(settings.VAR_DIR) / "tests" / f"pg-{uuid.uuid4().hex[:8]}"
    port = localdb.ensure_running(root, database="healthz")
    yield root, port
    localdb.stop(root, mode="immediate")
    shutil.rmtree(root, ignore_errors=True)


def test_healthz_is_200_when_database_and_broker_answer(client, db, broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(client, db, broker):
    broker.stop()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_down(client, broker, private_postgres):
    root, port = private_postgres
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=port, NAME="healthz", USER="postgres")
    try:
        assert client.get(reverse("healthz")).json()["database"] == "ok"
        localdb.stop(root, mode="immediate")
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"
        assert response.json()["broker"] == "ok"
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _manage(*args, env_overrides):
    env = {**os.environ, **env_overrides}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(**overrides):
    db = connection.settings_dict
    return {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "infoview.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://infoview.example.org",
        "EMAIL_HOST": "smtp.example.org",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        **overrides,
    }


def test_the_production_settings_pass_the_deploy_check(db):
    check = ["check", "--deploy", "--fail-level", "WARNING"]
    result = _manage(*check, env_overrides=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(db):
    result = _manage("check", env_overrides=_production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without_its_servers(db, tmp_path, variable):
    env = _production_env(**{variable: "", "INFOVIEW_VAR_DIR": str(tmp_path / "var")})
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert f"{variable} must be set when DEBUG is false" in result.stderr
    assert not (tmp_path / "var").exists()  # no private server or file broker was started


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"])
def test_the_deploy_check_names_the_missing_server(db, tmp_path, variable):
    blank = {variable: ""} | ({"REDIS_URL": ""} if variable == "CACHE_URL" else {})
    env = _production_env(**blank, INFOVIEW_VAR_DIR=str(tmp_path / "var"))
    result = _manage("check", "--deploy", env_overrides=env)
    assert result.returncode != 0
    assert f"{variable}" in result.stderr and "must be set when DEBUG is false" in result.stderr
    assert not (tmp_path / "var").exists()


def test_importing_the_settings_starts_nothing_and_makes_no_folder(tmp_path):
    var = tmp_path / "var"
    env = {**os.environ, "INFOVIEW_VAR_DIR": str(var), "DEBUG": "true"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", "import infoview.settings as s; print(s.DATABASES['default'])"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(var / "postgres" / "sockets") in result.stdout  # never started: no port yet
    assert not var.exists()


def test_the_private_postgresql_is_the_one_under_infoview_var_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("INFOVIEW_VAR_DIR", str(tmp_path))
    assert localdb.default_root() == tmp_path / "postgres"
    assert localdb.stop() is False  # `make clean` and Ctrl-C stop that one, not var/'s
    (tmp_path / "postgres").mkdir()
    (tmp_path / "postgres" / "port").write_text("54321")
    url = localdb.database_url(start=False)
    assert url == "postgres://postgres@127.0.0.1:54321/infoview"


def test_the_demo_data_loads_twice_without_duplicating_anything(db):
    call_command("seed_demo")
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "contacts", "interviews", "followups", "reports"}
    ]
    first = {m._meta.label: m.objects.count() for m in models}
    call_command("seed_demo")
    assert {m._meta.label: m.objects.count() for m in models} == first
    assert first["accounts.User"] == 4
    assert first["accounts.Workspace"] == 5  # four personal workspaces and the team's


def test_the_demo_logins_work(client, db):
    call_command("seed_demo")
    response = client.post(
        reverse("accounts:login"),
        {"username": "alex@demo.infoview.test", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).url == "/w/northwind-talent/"


def test_the_beat_schedule_names_only_registered_tasks():
    celery_app.loader.import_default_modules()
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_a_worker_fills_the_url_resolver_before_its_pool_forks():
    # A worker made as `celery worker` makes it (its tasks imported, then ``worker_init``), in
    # a fresh interpreter: its task processes are forked after this, with the resolver filled
    # (a reminder's links are reversed), instead of each filling it on its first task.
    code = (
        "from django.urls import get_resolver\n"
        "from infoview.celery import app\n"
        "app.loader.import_default_modules()\n"
        "assert not get_resolver()._populated, 'filled before the worker was made'\n"
        "app.WorkController(pool_cls='solo', concurrency=1)\n"
        "assert get_resolver()._populated, 'worker_init left the URL resolver empty'\n"
    )
    result = _manage("shell", "-c", code, env_overrides={"CELERY_BROKER_URL": "memory://"})
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_content_security_policy_has_a_nonce_and_nothing_inline(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_error_pages_use_the_sites_style(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_make_runs_supervisor_starts_web_worker_and_beat_and_ctrl_c_stops_them_all(db, tmp_path):
    port = free_port()
    db = connection.settings_dict
    # An explicit DATABASE_URL: with none, Ctrl-C would also stop the private PostgreSQL that
    # the rest of this test run is using. Its own var/ and no CELERY_BROKER_URL: the worker it
    # starts uses a file broker of its own and never takes work queued by other tests.
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "INFOVIEW_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("CELERY_BROKER_URL", None)
    env.pop("SITE_URL", None)
    env["INBOUND_SMTP_PORT"] = str(free_port())
    children = []
    process = subprocess.Popen(
        [sys.executable, "-m", "infoview.run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        banner = []
        for line in process.stdout:
            banner.append(line)
            if "Press Ctrl-C" in line:
                break
        text = "".join(banner)
        assert f"http://127.0.0.1:{port}" in text
        assert "priya@demo.infoview.test" in text
        assert "infoview-demo" in text
        children = psutil.Process(process.pid).children(recursive=True)
        commands = " ".join(" ".join(child.cmdline()) for child in children)
        assert "runserver" in commands
        assert "worker" in commands
        assert "beat" in commands
        assert "inbound_smtp" in commands
        # Links in mail name the address it serves on, in every process that sends mail.
        for child in children:
            if "python" in child.name():
                assert child.environ()["SITE_URL"] == f"http://127.0.0.1:{port}"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive
    finally:
        # Whatever failed above, leave no web server or worker behind: a stray worker would
        # go on taking tasks meant for later tests.
        with contextlib.suppress(psutil.NoSuchProcess):
            children += psutil.Process(process.pid).children(recursive=True)
        for child in children:
            if child.is_running():
                child.kill()
        if process.poll() is None:
            process.kill()


def test_make_run_names_the_address_it_serves_for_links_in_mail():
    from infoview.run import site_url

    assert site_url("127.0.0.1", "8123") == "http://127.0.0.1:8123"
    assert site_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"  # noqa: S104
    assert site_url("localhost", "8000") == "http://localhost:8000"
    assert site_url("::1", "8000") == "http://[::1]:8000"
