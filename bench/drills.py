"""`make drills`: break the services under a running Infoview and check that it recovers.

Everything runs on services of the drill's own, never the machine's shared ones: a private
PostgreSQL from the wheel under var/drills/, a redis-server on a free port and an aiosmtpd
server inside this process. With web (gunicorn), a Celery worker and beat running and thank-you
reminders falling due minute by minute, it:

1. kills the worker with SIGKILL, then starts a new one;
2. restarts Redis;
3. restarts PostgreSQL;

polling /healthz every second throughout (the timeline), checking that pages fail cleanly
during an outage (a 5xx with the site's error page, or a redirect to log in; never a hang), and
at the end that every due reminder reached the SMTP server (by Message-ID), a second time only
if the outbox marked its first send unknown. `bench/exactly_once.py` (also run by
`make drills`) drills each failure on its own, one line per drill.
It prints the timeline and a verdict, and exits 1 when a check fails.
"""

import http.cookiejar
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import django
from aiosmtpd.controller import Controller

from infoview import localdb
from infoview.net import free_port
from infoview.testing.services import RedisServer
from infoview.testing.smtp import Inbox

BASE_DIR = Path(__file__).resolve().parent.parent
ROOT = BASE_DIR / "var" / "drills"
PYTHON = sys.executable
REMINDERS = 40
RECOVERY_SECONDS = 60
DRILL_EMAIL = "drills@example.test"
DRILL_PASSWORD = "a long drill passphrase"  # noqa: S105 - a throw-away local user


class Timeline:
    def __init__(self):
        self.started = time.monotonic()
        self.events: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def note(self, message: str) -> None:
        at = time.monotonic() - self.started
        with self.lock:
            self.events.append((at, message))
        print(f"  t+{at:6.1f}s  {message}", flush=True)


class HealthWatcher(threading.Thread):
    """Polls /healthz every second; notes each change of state."""

    def __init__(self, url: str, timeline: Timeline):
        super().__init__(daemon=True)
        self.url, self.timeline = url, timeline
        self.state = None
        self.stop = threading.Event()
        self.history: list[tuple[float, str]] = []

    def run(self):
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    state = f"{response.status} {response.read().decode()}"
            except urllib.error.HTTPError as error:
                state = f"{error.code} {error.read().decode()}"
            except OSError as error:
                state = f"no answer ({type(error).__name__})"
            self.history.append((time.monotonic(), state))
            if state != self.state:
                self.timeline.note(f"/healthz → {state}")
                self.state = state
            self.stop.wait(1)

    def healthy_since(self) -> float | None:
        for at, state in reversed(self.history):
            if not state.startswith("200"):
                return at
        return self.history[0][0] if self.history else None


def main() -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    timeline = Timeline()
    shutil.rmtree(ROOT, ignore_errors=True)
    ROOT.mkdir(parents=True)
    pg_root = ROOT / "postgres"
    pg_port = localdb.ensure_running(pg_root, database="drills")
    redis = RedisServer().start()
    redis_port = redis.port
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    web_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/drills",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "INFOVIEW_VAR_DIR": str(ROOT),
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
    }
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "INFOVIEW_VAR_DIR")}
    )
    timeline.note(
        f"private PostgreSQL :{pg_port}, Redis :{redis_port}, SMTP :{smtp.port}, web :{web_port}"
    )
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    due = seed_reminders()
    timeline.note(f"{len(due)} thank-you reminders fall due over the next {REMINDERS * 5} s")

    celery = [PYTHON, "-m", "celery", "-A", "infoview"]
    commands = {
        "web": [
            PYTHON,
            "-m",
            "gunicorn",
            "infoview.wsgi",
            "-b",
            f"127.0.0.1:{web_port}",
            "-w",
            "2",
        ],
        "worker": [*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "WARNING", "-s", str(ROOT / "beat-schedule")],
    }
    logs = {name: open(ROOT / f"{name}.log", "w") for name in commands}  # noqa: SIM115

    def start(name):
        return subprocess.Popen(
            commands[name],
            cwd=BASE_DIR,
            env=env,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    processes = {name: start(name) for name in commands}
    watcher = HealthWatcher(f"http://127.0.0.1:{web_port}/healthz", timeline)
    failures = []
    try:
        wait_until(lambda: watcher.state and watcher.state.startswith("200"), 60, watcher)
        timeline.note("all up")
        opener = signed_in(web_port)
        time.sleep(20)

        timeline.note("DRILL 1: kill -9 the Celery worker")
        os.killpg(processes["worker"].pid, signal.SIGKILL)
        processes["worker"].wait()
        time.sleep(5)
        processes["worker"] = start("worker")
        timeline.note("worker started again")
        time.sleep(20)

        timeline.note("DRILL 2: Redis goes down")
        redis.stop()
        time.sleep(3)
        check_outage(watcher, "broker", failures, timeline, web_port, opener)
        time.sleep(5)
        redis.start()
        timeline.note("Redis started again (empty: it keeps nothing on disk)")
        if not wait_recovered(watcher, timeline):
            failures.append("healthz did not recover within 60 s of Redis coming back")
        time.sleep(10)

        timeline.note("DRILL 3: PostgreSQL goes down")
        localdb.stop(pg_root, mode="fast")
        time.sleep(3)
        check_outage(watcher, "database", failures, timeline, web_port, opener)
        time.sleep(5)
        localdb.ensure_running(pg_root, database="drills")
        timeline.note("PostgreSQL started again")
        if not wait_recovered(watcher, timeline):
            failures.append("healthz did not recover within 60 s of PostgreSQL coming back")

        last_due = max(due.values())
        deadline = last_due + timedelta(minutes=12)
        timeline.note(
            "waiting for every due reminder to arrive "
            "(a lost batch comes back at the first tick after its 50 s lease)"
        )
        while datetime.now(tz=last_due.tzinfo) < deadline:
            if count_pending() == 0 and len(received(inbox)) >= len(due):
                break
            time.sleep(5)
        got = received(inbox)
        counts = Counter(got)
        missing = sorted(set(due) - set(counts))
        doubled = sorted(k for k, n in counts.items() if n > 1)
        timeline.note(
            f"SMTP server received {len(got)} reminder emails for {len(counts)} reminders; "
            f"{len(missing)} missing, {len(doubled)} doubled"
        )
        if missing:
            failures.append(f"reminders never arrived: {missing[:10]}")
        # A second copy is allowed only of an email the outbox marked unknown and resent once.
        marked = resent_ids()
        unmarked = [k for k in doubled if k not in marked or counts[k] > 2]
        if unmarked:
            failures.append(f"reminders arrived more than once unannounced: {unmarked[:10]}")
    finally:
        watcher.stop.set()
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        redis.stop()
        smtp.stop()
        localdb.stop(pg_root, mode="immediate")

    print("\nVerdict:", "PASS" if not failures else "FAIL")
    for failure in failures:
        print(f"  - {failure}")
    return 0 if not failures else 1


def wait_until(predicate, seconds, watcher) -> bool:
    if not watcher.is_alive():
        watcher.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    raise SystemExit("Infoview did not come up")


def wait_recovered(watcher, timeline) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY_SECONDS:
        if watcher.state and watcher.state.startswith("200"):
            timeline.note(f"recovered by itself in {time.monotonic() - started:.0f} s")
            return True
        time.sleep(1)
    return False


def signed_in(web_port: int, email: str = DRILL_EMAIL, password: str = DRILL_PASSWORD):
    """A browser-like opener with a user's session (the drill's by default), for pages that
    need the database."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    base = f"http://127.0.0.1:{web_port}"
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": email, "password": password}
    request = urllib.request.Request(
        f"{base}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{base}/accounts/login/"},
    )
    opener.open(request, timeout=10).read()
    return opener


def check_outage(watcher, component, failures, timeline, web_port, opener) -> None:
    time.sleep(2)
    if (
        not (watcher.state or "").startswith("503")
        or f'"{component}": "unavailable"' not in watcher.state
    ):
        failures.append(f"/healthz did not report the {component} as unavailable: {watcher.state}")
    try:
        with opener.open(f"http://127.0.0.1:{web_port}/", timeout=10) as r:
            outcome = f"{r.status}"
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        outcome = f"{error.code}" + (" with the site's error page" if "Infoview" in body else "")
        if error.code >= 500 and "Infoview" not in body:
            failures.append(f"during the {component} outage a page failed without the error page")
    except OSError as error:
        outcome = f"no answer ({type(error).__name__})"
        failures.append(f"during the {component} outage the workspace page did not answer")
    timeline.note(f"during the {component} outage a signed-in workspace page answers {outcome}")


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
    django.setup()


def seed_reminders() -> dict:
    """Interviews completed 24 h ago, so that their thank-you reminders fall due soon."""
    _django()
    from django.utils import timezone

    from accounts import services as account_services
    from accounts.models import Workspace
    from contacts.services import contact_create
    from followups.models import Reminder
    from interviews import services as interview_services

    user = account_services.user_signup(
        email=DRILL_EMAIL, name="Drill Recruiter", password=DRILL_PASSWORD
    )
    workspace = Workspace.objects.get(membership__user=user)
    now = timezone.now()
    for i in range(REMINDERS):
        contact = contact_create(
            workspace=workspace, owner=user, first_name="Person", last_name=str(i)
        )
        interview = interview_services.interview_create(
            workspace=workspace,
            owner=user,
            contact=contact,
            starts_at=now - timedelta(days=1, hours=1),
        )
        completed = (
            now - timedelta(hours=workspace.thank_you_delay_hours) + timedelta(seconds=20 + 5 * i)
        )
        interview_services.interview_complete(interview=interview, completed_at=completed)
    return {
        f"<reminder-{r.pk}@": r.due_at
        for r in Reminder.objects.filter(user=user, kind=Reminder.Kind.THANK_YOU)
    }


def count_pending() -> int:
    """Reminders not yet in the outbox, and outbox emails not yet settled."""
    from django.db import close_old_connections

    from accounts.models import OutgoingMessage
    from followups.models import Reminder

    close_old_connections()
    try:
        waiting = Reminder.objects.filter(state=Reminder.State.PENDING).count()
        unsettled = OutgoingMessage.objects.filter(state__in=["pending", "sending"]).count()
        return waiting + unsettled
    except Exception:
        return -1


def resent_ids() -> set[str]:
    """Message-ID prefixes of reminders whose outcome was unknown and were sent once more."""
    from accounts.models import OutgoingMessage

    rows = OutgoingMessage.objects.filter(resent=True).values_list("message_id", flat=True)
    return {message_id.split("@", 1)[0] + "@" for message_id in rows}


def received(inbox) -> list[str]:
    ids = []
    for message in inbox.messages:
        message_id = message["Message-ID"] or ""
        if message_id.startswith("<reminder-"):
            ids.append(message_id.split("@", 1)[0] + "@")
    return ids


if __name__ == "__main__":
    sys.exit(main())
