"""`make cluster`: Infoview as several machines would run it, behind HAProxy, and the drill.

It brings up, on this machine:

- one PostgreSQL and one Redis: private ones (the wheel's PostgreSQL under var/cluster/, a
  redis-server on a free port) unless DATABASE_URL / REDIS_URL are given;
- two web nodes (gunicorn with infoview/gunicorn_conf.py, 2 workers each), each with its own
  INFOVIEW_VAR_DIR as two machines would have, production settings (DEBUG=false, collected
  static files, the Redis cache, TRUSTED_PROXY_COUNT=1);
- two Celery workers and two beats at once (the design says a duplicate beat is harmless);
- HAProxy in front (bench/haproxy.py), health-checking /healthz;
- an SMTP sink in this process that counts reminder emails by Message-ID.

Node 2 (its web, worker and beat) runs with its clock 2 minutes ahead, through libfaketime
(Debian's ``faketime``), when it is installed. Deployment starts with two ``migrate`` at once.

Then the drill: 50 requests per second of the bench's realistic mix (bench/load.py) through
the proxy for CLUSTER_SECONDS (default 300) while it kills (SIGKILL) one web node, the worker
running the import and one beat, and starts them again; restarts Redis (private Redis only);
makes web node 2's health check flap. 1,000 reminders fall due and a 10,000-row import runs
across all of it. It prints one verdict line and adds the run to bench/results.md. Then the
step test through the proxy, two web nodes and then one (``--skip-steps`` leaves it out).

Environment: CLUSTER_SECONDS, CLUSTER_REMINDERS (1000), CLUSTER_IMPORT_ROWS (10000),
CLUSTER_STEP_SECONDS (20), CLUSTER_SEED (arguments for seed_scale; smaller than the bench's by
default, so that the cluster is up in a minute).
"""

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.drills import free_port, start_redis
from bench.haproxy import Node, config

BASE_DIR = Path(__file__).resolve().parent.parent
ROOT = BASE_DIR / "var" / "cluster"
PYTHON = sys.executable
SECONDS = int(os.environ.get("CLUSTER_SECONDS", "300"))
REMINDERS = int(os.environ.get("CLUSTER_REMINDERS", "1000"))
IMPORT_ROWS = int(os.environ.get("CLUSTER_IMPORT_ROWS", "10000"))
STEP_SECONDS = int(os.environ.get("CLUSTER_STEP_SECONDS", "20"))
SEED = os.environ.get(
    "CLUSTER_SEED", "--contacts 5000 --interviews 15000 --followups 40000 --notes 25000"
).split()
RATE = 50
WEB_WORKERS = 2
SKEW = "+2m"
FAKETIME_LIB = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")
DRILL_EMAIL = "cluster-drill@bench.infoview.test"
RESULTS_JSON = BASE_DIR / "bench" / "cluster-results.json"
RESULTS_MD = BASE_DIR / "bench" / "results.md"
MARK_START, MARK_END = "<!-- cluster:start -->", "<!-- cluster:end -->"


def say(message: str) -> None:
    print(f"[cluster {datetime.now():%H:%M:%S}] {message}", flush=True)


class Sink:
    """The SMTP server: each reminder's Message-ID and when it arrived (this machine's clock)."""

    def __init__(self):
        self.arrivals: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\n", 60):
            if line.lower().startswith(b"message-id:"):
                value = line.split(b":", 1)[1].strip().decode()
                if value.startswith("<reminder-"):
                    with self.lock:
                        self.arrivals.append((value.split("@", 1)[0] + "@", time.time()))
                break
        return "250 Message accepted"


class Cluster:
    def __init__(self):
        shutil.rmtree(ROOT, ignore_errors=True)
        ROOT.mkdir(parents=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = {}
        self.redis = None
        self.private_pg = not os.environ.get("DATABASE_URL")
        self.skewed = FAKETIME_LIB.exists()
        self.proxy_port = free_port()
        self.web_ports = {"web1": free_port(), "web2": free_port()}
        self.admin_socket = str(ROOT / "haproxy.sock")

    # --- services -----------------------------------------------------------------------

    def start_services(self) -> None:
        from aiosmtpd.controller import Controller

        from infoview import localdb

        if self.private_pg:
            port = localdb.ensure_running(ROOT / "postgres", database="cluster")
            database_url = f"postgres://postgres@127.0.0.1:{port}/cluster"
        else:
            database_url = os.environ["DATABASE_URL"]
        if os.environ.get("REDIS_URL"):
            redis_url = os.environ["REDIS_URL"].rstrip("/")
            base_redis = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
            broker, cache = redis_url, os.environ.get("CACHE_URL", redis_url)
        else:
            self.redis_port = free_port()
            self.redis = start_redis(self.redis_port)
            base_redis = f"redis://127.0.0.1:{self.redis_port}"
            broker, cache = f"{base_redis}/0", f"{base_redis}/1"
        self.sink = Sink()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        base = f"http://127.0.0.1:{self.proxy_port}"
        self.base = base
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The drill's proxy speaks plain HTTP; a production one terminates TLS and sets
            # X-Forwarded-Proto: https, and this stays true (docs/operations.md).
            "SECURE_SSL_REDIRECT": "false",
            "CSRF_TRUSTED_ORIGINS": base,
            "SITE_URL": base,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker,
            "REDIS_URL": broker,
            "CACHE_URL": cache,
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "LOG_LEVEL": "INFO",
            "METRICS_TOKEN": secrets.token_urlsafe(20),
            # The load generator is one address that logs in 150 times a minute; the limit
            # stays on (counted in Redis across the nodes), above that.
            "RATE_LIMIT_LOGIN": "1000/m",
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        os.environ.update(
            {k: self.env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
        )
        os.environ["CACHE_URL"] = cache
        say(
            f"PostgreSQL {'private' if self.private_pg else 'given'} ({database_url}), "
            f"Redis {base_redis}, SMTP sink :{self.smtp.port}"
        )

    def restart_redis(self) -> bool:
        if self.redis is None:
            return False
        self.redis.kill()
        self.redis.wait()
        time.sleep(3)
        self.redis = start_redis(self.redis_port)
        return True

    # --- deployment -----------------------------------------------------------------------

    def deploy(self) -> dict:
        """Two `migrate` at once (two nodes deploying together), then static files and data."""
        runs = [
            subprocess.Popen(
                [PYTHON, "manage.py", "migrate", "--noinput"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate()[0] for run in runs]
        codes = [run.returncode for run in runs]
        waited = sum("waiting" in out for out in outputs)
        say(f"two migrate at once: exit codes {codes}, {waited} waited for the other")
        if codes != [0, 0]:
            raise SystemExit("migrate failed:\n" + "\n".join(outputs))
        self.manage("collectstatic", "--noinput", "-v0")
        say("seeding the scale workspace: seed_scale " + " ".join(SEED))
        self.manage("seed_scale", *SEED)
        return {"exit_codes": codes, "waited": waited}

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    # --- processes ------------------------------------------------------------------------

    def command(self, name: str) -> tuple[list[str], dict]:
        node = name[-1]
        var_dir = ROOT / f"node{node}"
        var_dir.mkdir(exist_ok=True)
        env = {**self.env, "INFOVIEW_VAR_DIR": str(var_dir)}
        if node == "2" and self.skewed:
            env.update(
                LD_PRELOAD=str(FAKETIME_LIB),
                FAKETIME=SKEW,
                # The monotonic clock moves by the same offset (a constant, so durations are
                # right): with it left alone, libfaketime makes Python 3.12's time.sleep fail.
                NO_FAKE_STAT="1",
            )
        celery = [PYTHON, "-m", "celery", "-A", "infoview"]
        if name.startswith("web"):
            port = self.web_ports[name]
            command = [PYTHON, "-m", "gunicorn", "-c", "python:infoview.gunicorn_conf"]
            command += ["infoview.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(WEB_WORKERS)]
            env["LOG_LEVEL"] = "WARNING"
        elif name.startswith("worker"):
            command = [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"]
            command += ["-n", f"{name}@%h"]
        else:
            command = [*celery, "beat", "--loglevel", "INFO", "-s", str(var_dir / "beat")]
        return command, env

    def start(self, name: str) -> None:
        command, env = self.command(name)
        log = self.logs.setdefault(name, open(ROOT / f"{name}.log", "a"))  # noqa: SIM115
        self.processes[name] = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self, name: str) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def start_proxy(self) -> None:
        path = ROOT / "haproxy.cfg"
        nodes = [
            Node(name, "127.0.0.1", port, maxconn=WEB_WORKERS)
            for name, port in self.web_ports.items()
        ]
        path.write_text(
            config(bind=f"127.0.0.1:{self.proxy_port}", nodes=nodes, admin_socket=self.admin_socket)
        )
        log = self.logs.setdefault("haproxy", open(ROOT / "haproxy.log", "a"))  # noqa: SIM115
        self.processes["haproxy"] = subprocess.Popen(
            ["haproxy", "-f", str(path)], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def admin(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.admin_socket)
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def up_nodes(self) -> set[str]:
        lines = self.admin("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {r["svname"] for r in rows if r["pxname"] == "web" and r["status"] == "UP"}

    def wait_up(self, names: set[str], seconds: int = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if names <= self.up_nodes():
                    return
            time.sleep(0.5)
        raise SystemExit(f"{names} not healthy behind the proxy within {seconds} s")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        if self.redis:
            self.redis.kill()
        with contextlib.suppress(Exception):
            self.smtp.stop()
        if self.private_pg:
            from infoview import localdb

            localdb.stop(ROOT / "postgres", mode="fast")


# --- data for the drill ---------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
    import django

    django.setup()


def seed_drill(start_in: float, spread: float):
    """The drill user, 1,000 thank-you reminders falling due across the drill, the import file."""
    _django()
    import logging

    from django.utils import timezone

    from accounts import services as accounts

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from accounts.models import Workspace
    from contacts.models import Contact
    from followups.models import FollowUp, Reminder

    user = accounts.user_signup(email=DRILL_EMAIL, name="Cluster Drill", password="x" * 16)
    reminders_ws = accounts.workspace_create(
        name="Cluster reminders", kind=Workspace.Kind.TEAM, creator=user
    )
    import_ws = accounts.workspace_create(
        name="Cluster import", kind=Workspace.Kind.TEAM, creator=user
    )
    contacts = Contact.objects.bulk_create(
        Contact(workspace=reminders_ws, owner=user, first_name="Person", last_name=str(i))
        for i in range(REMINDERS)
    )
    now = timezone.now()
    followups = FollowUp.objects.bulk_create(
        FollowUp(
            workspace=reminders_ws,
            contact=contact,
            owner=user,
            kind=FollowUp.Kind.THANK_YOU,
            due_at=now + timedelta(seconds=start_in + spread * i / max(1, REMINDERS - 1)),
        )
        for i, contact in enumerate(contacts)
    )
    Reminder.objects.bulk_create(
        Reminder(
            user=user,
            followup=f,
            kind=Reminder.Kind.THANK_YOU,
            due_at=f.due_at,
            next_attempt_at=f.due_at,
        )
        for f in followups
    )
    due = {
        f"<reminder-{pk}@": due_at
        for pk, due_at in Reminder.objects.filter(user=user).values_list("pk", "due_at")
    }
    return user, import_ws, due


def start_import(user, workspace):
    from contacts import importing
    from contacts.bench import linkedin_csv

    data = linkedin_csv(IMPORT_ROWS, random.Random(18))
    job = importing.import_upload(
        workspace=workspace, user=user, filename="Connections.csv", data=data
    )
    return importing.import_start(job=job)


def import_state(job_id: int):
    from django.db import close_old_connections

    from contacts.models import Contact, ImportJob

    close_old_connections()
    job = ImportJob.objects.get(pk=job_id)
    return job, Contact.objects.filter(workspace_id=job.workspace_id).count()


def reminders_pending(user) -> int:
    from django.db import close_old_connections

    from followups.models import Reminder

    close_old_connections()
    return Reminder.objects.filter(user=user, state=Reminder.State.PENDING).count()


# --- the drill --------------------------------------------------------------------------------


def run_load(cluster, plan, out: dict) -> None:
    from bench.run import drive

    try:
        out.update(drive(plan))
    except SystemExit as error:
        out["error"] = str(error)


def load_plan(cluster, rate: int, seconds: int) -> dict:
    from bench.run import load_mix, plan_pages
    from infoview.demo_logins import DEMO_PASSWORD
    from infoview.management.commands.seed_scale import ADMIN_EMAIL

    if not hasattr(cluster, "pages"):
        cluster.pages, cluster.writes = plan_pages()
    logins = [{"email": ADMIN_EMAIL, "password": DEMO_PASSWORD}] + [
        {"email": f"scale-recruiter{i}@bench.infoview.test", "password": DEMO_PASSWORD}
        for i in range(1, 7)
    ]
    return {
        "mode": "rate",
        "base": cluster.base,
        "logins": logins,
        "mix": load_mix(cluster.pages, cluster.writes),
        "csrf_page": cluster.pages["floor (base layout only)"],
        "rate": rate,
        "seconds": seconds,
    }


def worker_with_import(cluster) -> str:
    for name in ("worker1", "worker2"):
        if "contacts.tasks.import_run" in (ROOT / f"{name}.log").read_text(errors="replace"):
            return name
    return "worker1"


def drill(cluster, events: list[str]) -> dict:
    started = time.monotonic()

    def at(fraction: float) -> None:
        delay = started + SECONDS * fraction - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def note(message: str) -> None:
        events.append(f"t+{time.monotonic() - started:.0f}s {message}")
        say(message)

    user, import_ws, due = seed_drill(start_in=15, spread=SECONDS * 0.75)
    note(f"{len(due)} reminders fall due from t+15s to t+{15 + SECONDS * 0.75:.0f}s")
    load: dict = {}
    loader = threading.Thread(
        target=run_load, args=(cluster, load_plan(cluster, RATE, SECONDS), load), daemon=True
    )
    loader.start()
    job = start_import(user, import_ws)
    note(f"{IMPORT_ROWS}-row import queued (job {job.pk}); {RATE} req/s through the proxy")

    # The worker running the import dies with it, as soon as it has committed some rows.
    deadline = time.monotonic() + SECONDS * 0.2
    while time.monotonic() < deadline:
        job, _ = import_state(job.pk)
        if job.processed_rows > 0 or job.is_finished:
            break
        time.sleep(0.5)
    victim = worker_with_import(cluster)
    job, _ = import_state(job.pk)
    note(f"kill -9 {victim} (import at {job.processed_rows}/{job.total_rows} rows)")
    cluster.kill(victim)
    time.sleep(5)
    cluster.start(victim)
    note(f"{victim} started again")

    at(0.2)
    note("kill -9 web1 (gunicorn master and workers)")
    cluster.kill("web1")
    at(0.3)
    cluster.start("web1")
    note("web1 started again")

    at(0.4)
    note("kill -9 beat1")
    cluster.kill("beat1")
    at(0.45)
    cluster.start("beat1")
    note("beat1 started again")

    at(0.55)
    if cluster.restart_redis():
        note("Redis (broker and cache) restarted, empty")
    else:
        note("Redis restart skipped: REDIS_URL is a shared server")

    at(0.7)
    note("web2's health check flaps: forced down every 4 s for 20 s")
    flap_until = time.monotonic() + 20
    while time.monotonic() < flap_until:
        cluster.admin("set server web/web2 health down")
        time.sleep(4)

    loader.join(timeout=SECONDS * 2 + 600)
    note("load finished; waiting for every reminder and the import")
    resumed = False
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job, imported = import_state(job.pk)
        if not job.is_finished:
            from contacts import importing

            if importing.import_can_resume(job):
                importing.import_resume(job=job)
                resumed = True
                note("the import had stalled (its message went with Redis): Resume, as a user")
        if job.is_finished and reminders_pending(user) == 0:
            break
        time.sleep(5)
    time.sleep(5)  # the last messages in flight to the sink

    arrivals = list(cluster.sink.arrivals)
    counts = Counter(message_id for message_id, _ in arrivals)
    first_arrival = {}
    for message_id, arrived in arrivals:
        first_arrival.setdefault(message_id, arrived)
    lost = sorted(set(due) - set(counts))
    doubled = sorted(k for k, n in counts.items() if n > 1)
    early = [
        due[k].timestamp() - first_arrival[k] for k in first_arrival if k in due
    ]  # positive: before it was due
    early = [seconds for seconds in early if seconds > 5]
    job, imported = import_state(job.pk)
    return {
        "load": load,
        "reminders": {
            "due": len(due),
            "delivered": len(set(counts) & set(due)),
            "lost": len(lost),
            "doubled": len(doubled),
            "early": len(early),
            "earliest_s": round(max(early), 1) if early else 0,
        },
        "import": {
            "rows": IMPORT_ROWS,
            "processed": job.processed_rows,
            "imported": imported,
            "created": job.created_count,
            "merged": job.updated_count + job.skipped_count,
            "status": job.status,
            "errors": job.error_count,
            "resumed_by_hand": resumed,
        },
    }


def step_test(cluster) -> dict:
    """The same rates through the proxy with both web nodes, then with web2 taken out."""
    from bench.run import drive

    results = {}
    for label in ("two nodes", "one node"):
        if label == "one node":
            cluster.admin("disable server web/web2")
        steps = []
        for rate in (30, 50, 70, 90, 110, 140, 180, 240):
            say(f"step test, {label}: {rate} req/s for {STEP_SECONDS} s")
            figures = drive(load_plan(cluster, rate, STEP_SECONDS))
            keep = ("rate_asked", "throughput_rps", "median_ms", "p95_ms", "errors_5xx")
            steps.append({k: figures[k] for k in (*keep, "socket_errors")})
            if figures["p95_ms"] > 1000:
                break
        results[label] = steps
    cluster.admin("enable server web/web2")
    return results


def best_rate(steps: list[dict]) -> float:
    """The highest served rate whose p95 stayed under 1 s."""
    good = [s["throughput_rps"] for s in steps if s["p95_ms"] <= 1000]
    return max(good) if good else 0


def verdict_line(result: dict) -> str:
    load, rem, imp = result["load"], result["reminders"], result["import"]
    sent = load.get("requests", 0)
    errors = load.get("errors_5xx", "?")
    return (
        f"VERDICT: {sent} requests sent, {errors} 5xx seen by clients "
        f"({load.get('socket_errors', '?')} socket errors, p95 {load.get('p95_ms')} ms); "
        f"reminders {rem['due']} due / {rem['delivered']} delivered / {rem['lost']} lost / "
        f"{rem['doubled']} doubled ({rem['early']} early, by up to {rem['earliest_s']} s); "
        f"contacts {imp['imported']} imported of {imp['rows']} rows ({imp['processed']} rows "
        f"read, {imp['merged']} matched earlier rows as duplicates, {imp['errors']} errors, "
        f"{imp['status']}{', resumed by hand' if imp['resumed_by_hand'] else ''})"
    )


def passed(result: dict) -> bool:
    load, rem, imp = result["load"], result["reminders"], result["import"]
    return (
        "error" not in load
        and load.get("errors_5xx") == 0
        and rem["lost"] == 0
        and rem["doubled"] == 0
        and imp["processed"] == imp["rows"]
        and imp["imported"] == imp["created"]
        and imp["created"] + imp["merged"] + imp["errors"] == imp["rows"]
    )


def write_results(run: dict) -> None:
    runs = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else []
    runs.append(run)
    RESULTS_JSON.write_text(json.dumps(runs, indent=2) + "\n")
    lines = [
        MARK_START,
        "## Multi-node cluster (`make cluster`)",
        "",
        "HAProxy in front of two web nodes (gunicorn, 2 workers each), two Celery workers, two "
        "beats, one PostgreSQL, one Redis, all on this machine's cores; node 2's clock 2 minutes "
        "ahead when libfaketime is installed. Every run is kept in `bench/cluster-results.json`.",
        "",
    ]
    for r in runs:
        lines += [
            f"### {r['date']}: {r['seconds']} s drill on {r['cores']} cores: "
            f"{'PASS' if r['passed'] else 'FAIL'}",
            "",
            "```",
            r["verdict"],
            "```",
            "",
            f"Two `migrate` at once: exit codes {r['deploy']['exit_codes']}, "
            f"{r['deploy']['waited']} waited. Clock skew on node 2: "
            f"{'yes (libfaketime, +2 min)' if r['skewed'] else 'no (libfaketime missing)'}.",
            "",
            "Timeline: " + "; ".join(r["events"]) + ".",
            "",
        ]
        if r.get("steps"):
            lines += [
                "Step test through the proxy, same run (p95 in ms; served req/s):",
                "",
                "| asked req/s | two nodes: p95 | served | one node: p95 | served |",
                "|---:|---:|---:|---:|---:|",
            ]
            two, one = r["steps"]["two nodes"], r["steps"]["one node"]
            for i in range(max(len(two), len(one))):
                a = two[i] if i < len(two) else {}
                b = one[i] if i < len(one) else {}
                rate = (a or b)["rate_asked"]
                lines.append(
                    f"| {rate} | {a.get('p95_ms', '')} | {a.get('throughput_rps', '')} | "
                    f"{b.get('p95_ms', '')} | {b.get('throughput_rps', '')} |"
                )
            ratio = r["steps_ratio"]
            lines += ["", f"Throughput ratio, two nodes to one (p95 under 1 s): {ratio}.", ""]
    lines.append(MARK_END)
    section = "\n".join(lines) + "\n"
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if MARK_START in text:
        before, rest = text.split(MARK_START, 1)
        text = before + section + rest.split(MARK_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)
    say(f"added the run to {RESULTS_MD} and {RESULTS_JSON}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-steps", action="store_true", help="leave out the step test")
    parser.add_argument("--up", action="store_true", help="bring it up and wait for Ctrl-C")
    options = parser.parse_args()
    if not shutil.which("haproxy"):
        raise SystemExit("haproxy is not installed: apt-get install haproxy (make cluster does)")

    cluster = Cluster()
    try:
        cluster.start_services()
        deploy = cluster.deploy()
        for name in ("web1", "web2", "worker1", "worker2", "beat1", "beat2"):
            cluster.start(name)
        cluster.start_proxy()
        cluster.wait_up({"web1", "web2"})
        say(f"up: proxy {cluster.base}, web nodes {cluster.web_ports}, logs in {ROOT}")
        if not cluster.skewed:
            say("libfaketime not installed (apt-get install faketime): node 2's clock is not off")
        if options.up:
            say("Ctrl-C stops everything")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(1)
            return 0
        events: list[str] = []
        result = drill(cluster, events)
        line = verdict_line(result)
        print(line, flush=True)
        steps = None if options.skip_steps else step_test(cluster)
    finally:
        cluster.stop()

    run = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "seconds": SECONDS,
        "skewed": cluster.skewed,
        "deploy": deploy,
        "events": events,
        "verdict": line,
        "passed": passed(result),
        "result": result,
    }
    if steps:
        two, one = best_rate(steps["two nodes"]), best_rate(steps["one node"])
        run["steps"] = steps
        run["steps_ratio"] = f"{two} / {one} req/s = {two / one:.2f}" if one else "n/a"
    write_results(run)
    print(line)
    return 0 if run["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
