"""`make drills`, part 2: exactly once, for real. One line per drill.

Each drill breaks one thing while Infoview sends due reminders (or runs an import) on services
of the drill's own: a private PostgreSQL (infoview.localdb, under var/drills-once/), a
redis-server on a free port, an aiosmtpd sink in this process that records every accepted
message (and can drop the connection after DATA or answer late), Celery workers started and
SIGKILLed as subprocesses, and gunicorn for the web drill. The beat is played from here, one
tick a second (the real one ticks every 20 to 60 s; the leases are shortened to match, see ENV).

For every drill it prints: due, delivered (distinct messages that reached the sink), lost (due,
never arrived), doubled (extra copies of a message), unknown (outbox rows marked unknown),
whether it recovered by itself (everything due delivered, or settled with a reason, with nobody
acting) and the time from the fault to the last message.

    python -m bench.exactly_once [--size 1000] [--import-rows 10000] [--runs 2]
                                 [--only redis,smtp-drop] [--json out.json] [--markdown]

The defaults are the issue's sizes (1,000 due reminders per drill, a 10,000-row import with 50
bad rows). ``--markdown`` writes the table (one line per drill and run) into bench/results.md,
between the markers ``<!-- drills:start -->`` and ``<!-- drills:end -->``, which `make bench`
keeps.

The SMTP sink answers each DATA after ``MTA_ANSWER_SECONDS`` (1 ms, what a local MTA takes to
queue a message). The time between the server keeping a message and the worker recording its
answer is the window in which a killed worker leaves a delivered row that the outbox can only
call ``unknown``; the drill "worker SIGKILL, slow MTA" keeps that window wide (a 10 ms answer)
on purpose, so the handling of such rows stays exercised.
"""

import argparse
import asyncio
import contextlib
import email
import email.policy
import json
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
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

import django
from aiosmtpd.controller import Controller

from bench import drills
from infoview import localdb
from infoview.net import free_port
from infoview.testing.services import RedisServer
from infoview.testing.smtp import Inbox

BASE_DIR = Path(__file__).resolve().parent.parent
ROOT = BASE_DIR / "var" / "drills-once"
PYTHON = sys.executable
EMAIL = "once@example.test"
PASSWORD = "a long drill passphrase"  # noqa: S105 - a throw-away local user
# Shortened leases: the same code paths as production, in seconds instead of minutes.
ENV = {
    "OUTBOX_SEND_LEASE_SECONDS": "10",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_MAX_SECONDS": "4",
    "OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS": "3",
    "OUTBOX_RECORD_PATIENCE_SECONDS": "90",
    "EMAIL_TIMEOUT": "2",
    "IMPORTS_LEASE_SECONDS": "8",
    "IMPORTS_HEARTBEAT_SECONDS": "2",
    "FOLLOWUPS_RETRY_BACKOFF_SECONDS": "1",
    "LOG_LEVEL": "WARNING",
}
CLAIM_LEASE = timedelta(seconds=5)
BATCH = 20
# A local MTA (Postfix, OpenSMTPD) writes the message to its queue and answers in about 1 ms.
MTA_ANSWER_SECONDS = 0.001
SLOW_MTA_ANSWER_SECONDS = 0.010
MARK_START, MARK_END = "<!-- drills:start -->", "<!-- drills:end -->"
RESULTS_MD = BASE_DIR / "bench" / "results.md"


class Sink(Inbox):
    """Records every accepted message; ``drops`` / ``late`` make the next few DATA ambiguous."""

    def __init__(self):
        super().__init__()
        self.drops = 0
        self.pause = MTA_ANSWER_SECONDS  # the server's time to keep a message, then answer

    async def handle_DATA(self, server, session, envelope):
        if self.pause:
            await asyncio.sleep(self.pause)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            drop = self.drops > 0
            if drop:
                self.drops -= 1
        if drop:
            server.transport.abort()
            return "250 OK"
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        return "250 Message accepted"

    def ids(self) -> Counter:
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@dataclass
class Result:
    drill: str
    due: int
    delivered: int
    lost: int
    doubled: int
    unknown: int
    recovered: bool
    seconds: float
    note: str = ""
    how: str = ""  # how it recovered, when it took more than the usual path
    # "exact": the goal is 0 doubled; "ambiguous": at most one extra copy per unknown row.
    goal: str = "exact"

    def meets_goal(self) -> bool:
        if self.lost or not self.recovered:
            return False
        if self.goal in {"exact", "import"}:
            return self.doubled == 0
        return self.doubled <= self.unknown

    def line(self) -> str:
        return (
            f"{self.drill:<40} due {self.due:>5}  delivered {self.delivered:>5}  "
            f"lost {self.lost:>3}  doubled {self.doubled:>3}  unknown {self.unknown:>3}  "
            f"recovered by itself {'yes' if self.recovered else 'NO '}  "
            f"time to recover {self.seconds:5.1f} s" + (f"  ({self.note})" if self.note else "")
        )


class Stack:
    """The private services and processes, and the beat played from this process."""

    def __init__(self):
        shutil.rmtree(ROOT, ignore_errors=True)
        ROOT.mkdir(parents=True)
        self.pg_root = ROOT / "postgres"
        self.pg_port = localdb.ensure_running(self.pg_root, database="once")
        self.redis = RedisServer().start()
        self.sink = Sink()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        self.web_port = free_port()
        self.env = {
            **os.environ,
            **ENV,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/once",
            "CELERY_BROKER_URL": self.redis.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "INFOVIEW_VAR_DIR": str(ROOT),
            "DEBUG": "true",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
        }
        # This process plays the beat and counts: the same settings as the workers.
        os.environ.update({key: value for key, value in self.env.items() if key in ENV})
        for key in ("DATABASE_URL", "CELERY_BROKER_URL", "INFOVIEW_VAR_DIR", "EMAIL_HOST"):
            os.environ[key] = self.env[key]
        os.environ["EMAIL_PORT"] = self.env["EMAIL_PORT"]
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=self.env, check=True
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
        django.setup()
        self.workers: list[subprocess.Popen] = []
        self.web = None
        self.ticking = threading.Event()
        self.ticker = None
        self.runs = 0

    # --- processes ------------------------------------------------------------------------

    def start_worker(self) -> None:
        self.runs += 1
        log = open(ROOT / f"worker-{self.runs}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "infoview", "worker", "--pool", "prefork"]
            + ["--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
            + ["-n", f"once{self.runs}@%h"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        path = ROOT / f"worker-{self.runs}.log"
        while "ready." not in path.read_text():
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"worker did not start: {path.read_text()[-2000:]}")
            time.sleep(0.2)
        self.workers.append(process)

    def kill_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        self.workers.clear()

    def start_web(self) -> None:
        log = open(ROOT / "web.log", "w")  # noqa: SIM115
        self.web = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "infoview.wsgi", "-b", f"127.0.0.1:{self.web_port}"]
            + ["-w", "3", "--timeout", "60"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/healthz", timeout=2)
                return
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline:
                    raise SystemExit("web did not start") from None
                time.sleep(0.5)

    # --- the beat ---------------------------------------------------------------------------

    def tick(self) -> None:
        from django.db import close_old_connections

        from accounts.outbox import delivery
        from contacts.importing import heartbeat
        from followups import reminders
        from infoview.celery import app

        close_old_connections()
        try:
            ids = reminders.reminders_claim_due(lease=CLAIM_LEASE)
            delivery.messages_sweep()
            outgoing = delivery.messages_claim_due(lease=CLAIM_LEASE)
            stale = heartbeat.imports_claim_stale()
        except Exception:  # the database is down: the rows wait for the next tick
            close_old_connections()
            return
        try:
            for batch in reminders.batches(ids, BATCH):
                app.send_task("followups.tasks.reminders_deliver", args=[batch], retry=False)
            for batch in delivery.batches(outgoing, BATCH):
                app.send_task("accounts.tasks.outbox_deliver", args=[batch], retry=False)
            for job_id in stale:
                app.send_task("contacts.tasks.import_run", args=[job_id], retry=False)
        except Exception:  # the broker is down: the rows come back after their lease
            return

    def start_beat(self, beats: int = 1) -> None:
        self.ticking.set()

        def loop():
            while self.ticking.is_set():
                self.tick()
                time.sleep(1)

        self.tickers = [threading.Thread(target=loop, daemon=True) for _ in range(beats)]
        for ticker in self.tickers:
            ticker.start()

    def stop_beat(self) -> None:
        self.ticking.clear()
        for ticker in getattr(self, "tickers", []):
            ticker.join(10)

    def close(self) -> None:
        self.stop_beat()
        self.kill_workers()
        if self.web is not None and self.web.poll() is None:
            os.killpg(self.web.pid, signal.SIGTERM)
            self.web.wait(15)
        self.redis.stop()
        self.smtp.stop()
        localdb.stop(self.pg_root, mode="immediate")


# --- seeding and measuring --------------------------------------------------------------------


def _user():
    from accounts import services as account_services
    from accounts.models import User, Workspace

    user = User.objects.filter(email=EMAIL).first() or account_services.user_signup(
        email=EMAIL, name="Drill Recruiter", password=PASSWORD
    )
    return user, Workspace.objects.filter(membership__user=user).first()


def seed_reminders(count: int) -> list[int]:
    """``count`` thank-you follow-ups due now: one reminder each, all due at once."""
    from django.utils import timezone

    from contacts.services import contact_create
    from followups import services
    from followups.models import FollowUp, Reminder

    user, workspace = _user()
    contact = contact_create(workspace=workspace, owner=user, first_name="Due", last_name="Now")
    now = timezone.now() - timedelta(seconds=1)
    made = [
        services.followup_create(
            workspace=workspace,
            contact=contact,
            owner=user,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=now,
        )
        for _ in range(count)
    ]
    return list(Reminder.objects.filter(followup__in=made).values_list("pk", flat=True))


def measure(name, reminder_ids, sink, started, timeout, note="") -> Result:
    """Wait until every due reminder's email is settled, then count what the sink received."""
    from django.db import close_old_connections

    from accounts.models import OutgoingMessage

    abouts = [f"followups.reminder:{pk}" for pk in reminder_ids]
    expected = {f"<reminder-{pk}@" for pk in reminder_ids}
    last_arrival = started
    deadline = time.monotonic() + timeout
    settled = False
    seen = 0
    while time.monotonic() < deadline:
        got = {mid.split("@", 1)[0] + "@" for mid in sink.ids() if mid}
        if len(got & expected) > seen:
            last_arrival = time.monotonic()
            seen = len(got & expected)
        try:
            close_old_connections()
            rows = OutgoingMessage.objects.filter(about__in=abouts)
            open_rows = rows.filter(state__in=["pending", "sending"]).count()
            waiting = open_rows or rows.count() < len(reminder_ids)
            ambiguous = rows.filter(state="unknown", repeatable=True, resent=False).count()
        except Exception:
            waiting, ambiguous = True, 0
        if not waiting and not ambiguous:
            settled = True
            break
        time.sleep(0.5)
    counts = Counter()
    for mid, n in sink.ids().items():
        key = (mid or "").split("@", 1)[0] + "@"
        if key in expected:
            counts[key] += n
    close_old_connections()
    rows = OutgoingMessage.objects.filter(about__in=abouts)
    unknown = rows.filter(log__contains=[{"event": "unknown"}]).count()
    failed = rows.filter(state="failed").count()
    delivered = len(counts)
    lost = len(expected) - delivered
    doubled = sum(n - 1 for n in counts.values())
    extra = f"{failed} failed" if failed else ""
    return Result(
        drill=name,
        due=len(expected),
        delivered=delivered,
        lost=lost,
        doubled=doubled,
        unknown=unknown,
        recovered=settled and lost == 0,
        seconds=round(last_arrival - started, 1),
        note=", ".join(x for x in (note, extra) if x),
    )


def wait_for_arrivals(sink, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(sink.messages) < at_least and time.monotonic() < deadline:
        time.sleep(0.05)


# --- the drills -------------------------------------------------------------------------------


def drill_worker_kill(stack: Stack, size: int, answer: float = MTA_ANSWER_SECONDS) -> Result:
    ids = seed_reminders(size)
    stack.sink.pause = answer
    stack.start_worker()
    stack.start_beat()
    started = time.monotonic()
    for kill in range(3):
        wait_for_arrivals(stack.sink, (kill + 1) * size // 5)
        stack.kill_workers()
        time.sleep(1)
        stack.start_worker()
    name = "worker SIGKILL x3 mid-batch"
    if answer != MTA_ANSWER_SECONDS:
        name += f", slow MTA ({answer * 1000:.0f} ms)"
    result = measure(name, ids, stack.sink, started, 240)
    stack.sink.pause = MTA_ANSWER_SECONDS
    return result


def drill_postgres_stop(stack: Stack, size: int) -> Result:
    ids = seed_reminders(size)
    stack.start_worker()
    stack.start_beat()
    started = time.monotonic()
    wait_for_arrivals(stack.sink, size // 4)
    localdb.stop(stack.pg_root, mode="immediate")
    time.sleep(8)
    localdb.ensure_running(stack.pg_root, database="once")
    return measure("PostgreSQL stopped (immediate) mid-send", ids, stack.sink, started, 240)


def drill_smtp_drop(stack: Stack, size: int) -> Result:
    ids = seed_reminders(size)
    stack.sink.drops = 3
    stack.start_worker()
    stack.start_beat()
    started = time.monotonic()
    return measure("SMTP drops the connection after DATA (3)", ids, stack.sink, started, 120)


def drill_smtp_slow(stack: Stack, size: int) -> Result:
    ids = seed_reminders(size)
    stack.sink.answer_after = 3.0  # the worker's client timeout is 2 s (ENV)
    stack.start_worker()
    stack.start_beat()
    started = time.monotonic()
    time.sleep(15)
    stack.sink.answer_after = 0.0
    return measure("SMTP answers after 3 s (timeout 2 s) for 15 s", ids, stack.sink, started, 120)


def drill_duplicate_beats(stack: Stack, size: int) -> Result:
    from infoview.celery import app

    ids = seed_reminders(size)
    stack.start_worker()
    # Two beats ticking at once, and every reminder also queued twice by hand.
    for batch in range(0, len(ids), BATCH):
        for _copy in range(2):
            app.send_task("followups.tasks.reminders_deliver", args=[ids[batch : batch + BATCH]])
    stack.start_beat(beats=2)
    started = time.monotonic()
    return measure("duplicate beats (2 beats, every task x2)", ids, stack.sink, started, 120)


def drill_redis_loss(stack: Stack, size: int) -> Result:
    ids = seed_reminders(size)
    stack.start_worker()
    stack.start_beat()
    started = time.monotonic()
    wait_for_arrivals(stack.sink, size // 4)
    stack.redis.stop()
    time.sleep(3)
    stack.redis.start()  # empty: every queued task is gone
    return measure("Redis lost mid-send (restarted empty)", ids, stack.sink, started, 240)


def drill_parallel_posts(stack: Stack, size: int) -> Result:
    """Five follow-ups, each sent by two POSTs at once (two tabs) and a double-click."""
    from django.utils import timezone

    from contacts.services import contact_create
    from followups.models import FollowUp
    from followups.services import followup_create

    user, workspace = _user()
    if stack.web is None:
        stack.start_web()
    stack.start_worker()
    stack.start_beat()
    contact = contact_create(
        workspace=workspace, owner=user, first_name="Grace", emails=["grace@example.test"]
    )
    followups = [
        followup_create(
            workspace=workspace,
            contact=contact,
            owner=user,
            kind=FollowUp.Kind.UPDATE,
            due_at=timezone.now() + timedelta(days=3),
        )
        for _ in range(5)
    ]
    opener = drills.signed_in(stack.web_port, EMAIL, PASSWORD)
    base = f"http://127.0.0.1:{stack.web_port}"
    started = time.monotonic()
    for followup in followups:
        url = f"{base}/w/{workspace.slug}/follow-ups/{followup.pk}/send/"
        page = opener.open(f"{base}/w/{workspace.slug}/follow-ups/{followup.pk}/").read()
        page = page.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        token = re.search(r'name="idempotency_token" value="([^"]+)"', page).group(1)
        subject = f"Drill {followup.pk}"
        forms = [token, token, token + "-tab2"]  # double-click, then a second tab

        def post(tok, url=url, csrf=csrf, subject=subject):
            data = {
                "csrfmiddlewaretoken": csrf,
                "idempotency_token": tok,
                "to": "grace@example.test",
                "subject": subject,
                "body": "Dear Grace",
            }
            request = urllib.request.Request(
                url, data=urllib.parse.urlencode(data).encode(), headers={"Referer": url}
            )
            with contextlib.suppress(urllib.error.HTTPError):
                opener.open(request, timeout=30).read()

        threads = [threading.Thread(target=post, args=(tok,)) for tok in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    subjects = {f"Drill {f.pk}" for f in followups}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with stack.sink.lock:
            got = Counter(m["Subject"] for m in stack.sink.messages if m["Subject"] in subjects)
        if len(got) == len(subjects):
            time.sleep(3)  # time for any second copy to arrive
            break
        time.sleep(0.5)
    with stack.sink.lock:
        got = Counter(m["Subject"] for m in stack.sink.messages if m["Subject"] in subjects)
    delivered = len(got)
    return Result(
        drill="parallel POSTs to send (3 per follow-up)",
        due=len(subjects),
        delivered=delivered,
        lost=len(subjects) - delivered,
        doubled=sum(n - 1 for n in got.values()),
        unknown=0,
        recovered=delivered == len(subjects),
        seconds=round(time.monotonic() - started, 1),
        note="15 POSTs",
    )


def _import_job(rows: int, bad: int):
    from contacts.importing import jobs

    user, workspace = _user()
    lines = ["First name,Last name,Email"]
    for i in range(rows):
        if i % (rows // bad) == 0 and bad:
            lines.append(f",,not-an-email-{i}")  # no name: refused with a reason
        else:
            lines.append(f"Row{i},Imported,row{i}.{time.monotonic_ns()}@example.test")
    job = jobs.import_upload(
        workspace=workspace, user=user, filename="drill.csv", data="\n".join(lines).encode()
    )
    return jobs.import_start(job=job)


def _wait_job(job_id: int, timeout: float) -> tuple[str, float | None]:
    """Wait for the job to end; returns its status and when (monotonic) it was first seen
    re-queued by the beat (None if never)."""
    from django.db import close_old_connections

    from contacts.models import ImportJob

    started = time.monotonic()
    requeued_at = None
    while time.monotonic() - started < timeout:
        close_old_connections()
        try:
            job = ImportJob.objects.get(pk=job_id)
        except Exception:
            time.sleep(0.25)
            continue
        if job.requeues and requeued_at is None:
            requeued_at = time.monotonic()
        if job.is_finished:
            return job.status, requeued_at
        time.sleep(0.25)
    return "running", requeued_at


def drill_imports(stack: Stack, rows: int) -> list[Result]:
    """Three imports: worker SIGKILLed mid-job, PostgreSQL restarted mid-job, Redis emptied
    while queued. Each must finish (or fail with a reason) with nobody clicking anything."""
    from contacts.models import Contact, ImportJob

    results = []
    for case in ("worker SIGKILL", "PostgreSQL restart", "Redis emptied while queued"):
        stack.kill_workers()
        if case == "Redis emptied while queued":
            job = _import_job(rows, max(1, rows // 200))
            stack.redis.stop()
            stack.redis.start()
            stack.start_worker()
            stack.start_beat()
            started = fault = time.monotonic()
        else:
            stack.start_worker()
            job = _import_job(rows, max(1, rows // 200))
            stack.start_beat()
            started = time.monotonic()
            deadline = time.monotonic() + 60
            while ImportJob.objects.get(pk=job.pk).processed_rows < rows // 5:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            fault = time.monotonic()
            if case == "worker SIGKILL":
                stack.kill_workers()
                time.sleep(1)
                stack.start_worker()
            else:
                localdb.stop(stack.pg_root, mode="immediate")
                time.sleep(5)
                localdb.ensure_running(stack.pg_root, database="once")
        status, requeued_at = _wait_job(job.pk, 300)
        stack.stop_beat()
        from django.db import close_old_connections

        close_old_connections()
        job = ImportJob.objects.get(pk=job.pk)
        created = job.created_count
        refused = job.error_count
        handled = created + refused + job.skipped_count + job.updated_count
        # Every good row has an address of its own: a contact made twice shows as a repeat.
        emails = Counter(
            email
            for emails in Contact.objects.filter(
                workspace_id=job.workspace_id, last_name="Imported", created_at__gte=job.created_at
            ).values_list("emails", flat=True)
            for email in emails
        )
        times = {0: "", 1: "re-queued once"}.get(job.requeues, f"re-queued {job.requeues} times")
        if requeued_at is not None:
            times += f" {requeued_at - fault:.0f} s after the fault"
        results.append(
            Result(
                drill=f"import, {case}",
                due=rows,
                delivered=handled,
                lost=rows - handled,
                doubled=sum(n - 1 for n in emails.values()),
                unknown=0,
                recovered=status == "done",
                seconds=round(time.monotonic() - started, 1),
                note=f"{status}, {created} created, {refused} refused rows, "
                f"requeued {job.requeues}x" + (f": {job.failure[:60]}" if job.failure else ""),
                how=times,
                goal="import",
            )
        )
    return results


# Drills where an answer can be lost on purpose: at most one extra copy per unknown row.
AMBIGUOUS = {"worker-kill-slow-mta", "smtp-drop", "smtp-slow"}
DRILLS = {
    "worker-kill": drill_worker_kill,
    "worker-kill-slow-mta": lambda stack, size: drill_worker_kill(
        stack, size, answer=SLOW_MTA_ANSWER_SECONDS
    ),
    "postgres": drill_postgres_stop,
    "smtp-drop": drill_smtp_drop,
    "smtp-slow": lambda stack, size: drill_smtp_slow(stack, min(size, 5)),
    "parallel-posts": drill_parallel_posts,
    "duplicate-beats": drill_duplicate_beats,
    "redis": drill_redis_loss,
}


def run(size: int, import_rows: int, only: set[str] | None = None) -> list[Result]:
    stack = Stack()
    results: list[Result] = []
    try:
        for name, drill in DRILLS.items():
            if only and name not in only:
                continue
            stack.sink.clear()
            result = drill(stack, size)
            if name in AMBIGUOUS:
                result.goal = "ambiguous"
            stack.stop_beat()
            stack.kill_workers()
            print(result.line(), flush=True)
            results.append(result)
        if not only or "imports" in only:
            for result in drill_imports(stack, import_rows):
                print(result.line(), flush=True)
                results.append(result)
    finally:
        stack.close()
    return results


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def markdown(runs: list[dict], size: int, import_rows: int) -> str:
    """The section of bench/results.md: one line per drill and run, then what they show."""
    names = list(dict.fromkeys(r["drill"] for run_ in runs for r in run_["results"]))
    lines = [
        MARK_START,
        "## Exactly-once drills (`python -m bench.exactly_once`, part of `make drills`)",
        "",
        f"{len(runs)} run(s) of the whole suite, written by `python -m bench.exactly_once "
        f"--runs {len(runs)} --markdown` on {runs[0]['date']} on {os.cpu_count()} cores "
        "(a machine shared with other work: the load average at each run's start and end is "
        f"below), each with {size:,} due reminders per drill (5 for the slow-SMTP drill, 5 "
        f"follow-ups for the web drill) and imports of {import_rows:,} rows of which "
        f"{max(1, import_rows // 200):,} are bad. Private PostgreSQL, Redis and SMTP sink "
        f"(answering each DATA after {MTA_ANSWER_SECONDS * 1000:.0f} ms, like a local MTA; "
        f"{SLOW_MTA_ANSWER_SECONDS * 1000:.0f} ms in the slow-MTA drill); the beat played "
        "once a second with leases shortened to seconds (`ENV` in `bench/exactly_once.py`). "
        "\"time\" is from the start of the drill's traffic to the last due message's first "
        "arrival (for imports, to the job's end).",
        "",
        "| run | started | load at start | load at end | took |",
        "|---:|---|---|---|---:|",
    ]
    for number, run_ in enumerate(runs, 1):
        lines.append(
            f"| {number} | {run_['date']} {run_['started']} UTC | {run_['load_start']} | "
            f"{run_['load_end']} | {run_['seconds'] / 60:.1f} min |"
        )
    lines += [
        "",
        "| drill | run | due | delivered | lost | doubled | unknown | recovered by itself | time |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name in names:
        for number, run_ in enumerate(runs, 1):
            for r in (r for r in run_["results"] if r["drill"] == name):
                recovered = "yes" if r["recovered"] else "**no**"
                if r.get("how"):
                    recovered += f", {r['how']}"
                unknown = "\u2013" if r["goal"] == "import" else f"{r['unknown']:,}"
                lines.append(
                    f"| {name if number == 1 else ''} | {number} | {r['due']:,} | "
                    f"{r['delivered']:,} | {r['lost']:,} | {r['doubled']:,} | {unknown} | "
                    f"{recovered} | {r['seconds']:.1f} s |"
                )
    every = [r for run_ in runs for r in run_["results"]]
    exact = [r for r in every if r["goal"] == "exact"]
    ambiguous = [r for r in every if r["goal"] == "ambiguous"]
    imports = [r for r in every if r["goal"] == "import"]
    lines += [
        "",
        "What the table shows (computed by the drills):",
        f"- lost: {sum(r['lost'] for r in every)} in all drills and runs.",
        f"- doubled where the goal is 0 (worker SIGKILL, PostgreSQL, Redis, duplicate beats, "
        f"parallel POSTs): {sum(r['doubled'] for r in exact)} in {len(exact)} drill runs.",
        "- where the answer can be lost (dropped connection, slow server, slow MTA under "
        f"SIGKILL): {sum(r['doubled'] for r in ambiguous)} extra copies for "
        f"{sum(r['unknown'] for r in ambiguous)} rows marked `unknown`; "
        + (
            "never more than one extra copy per unknown row."
            if all(r["doubled"] <= r["unknown"] for r in ambiguous)
            else "**more copies than unknown rows in some drill**."
        ),
        f"- imports: {sum(1 for r in imports if r['recovered'])} of {len(imports)} killed "
        "imports finished by themselves "
        f"(longest {max((r['seconds'] for r in imports), default=0):.1f} s; the lease is "
        f"{ENV['IMPORTS_LEASE_SECONDS']} s).",
        MARK_END,
    ]
    return "\n".join(lines)


def write_section(section: str, path: Path = RESULTS_MD) -> None:
    """Put ``section`` between its markers in ``path`` (replacing an earlier one)."""
    text = path.read_text() if path.exists() else ""
    if MARK_START in text and MARK_END in text:
        before, rest = text.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def _one_run(args) -> dict:
    """One whole suite in a child process (each run starts its services afresh)."""
    out = ROOT.parent / "drills-once-run.json"
    command = [PYTHON, "-m", "bench.exactly_once", "--runs", "1", "--json", str(out)]
    command += ["--size", str(args.size), "--import-rows", str(args.import_rows)]
    if args.only:
        command += ["--only", args.only]
    started = time.monotonic()
    stamp = time.gmtime()
    load_start = _load()
    subprocess.run(command, cwd=BASE_DIR, check=False)
    results = json.loads(out.read_text()) if out.exists() else []
    out.unlink(missing_ok=True)
    return {
        "date": time.strftime("%Y-%m-%d", stamp),
        "started": time.strftime("%H:%M", stamp),
        "load_start": load_start,
        "load_end": _load(),
        "seconds": time.monotonic() - started,
        "results": results,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="due reminders per drill")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="run the whole suite this often")
    parser.add_argument("--only", default="", help="comma-separated drill names")
    parser.add_argument("--json", default="", help="write the results here too")
    parser.add_argument(
        "--markdown", action="store_true", help="write the table into bench/results.md"
    )
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name} or None
    if args.runs > 1 or args.markdown:
        runs = []
        for number in range(1, args.runs + 1):
            print(f"\n=== Run {number} of {args.runs} ===", flush=True)
            runs.append(_one_run(args))
        every = [Result(**r) for run_ in runs for r in run_["results"]]
        if args.json:
            Path(args.json).write_text(json.dumps(runs, indent=2))
        if args.markdown:
            write_section(markdown(runs, args.size, args.import_rows))
            print(f"wrote the drills' section of {RESULTS_MD}")
    else:
        print(f"Exactly-once drills: {args.size} due reminders each, imports of {args.import_rows}")
        every = run(args.size, args.import_rows, only)
        if args.json:
            Path(args.json).write_text(json.dumps([asdict(r) for r in every], indent=2))
    bad = [r for r in every if r.lost or not r.recovered]
    missed = [r for r in every if not r.meets_goal()]
    for r in missed:
        print(f"goal not met: {r.drill} (doubled {r.doubled}, unknown {r.unknown})")
    print("\nVerdict:", "PASS" if not bad else f"FAIL ({len(bad)} drills)")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
