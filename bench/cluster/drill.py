"""The multi-node drill: data that falls due across the faults, the faults, and the step test."""

import os
import random
import threading
import time
from collections import Counter
from datetime import timedelta

from bench.cluster import (
    DRILL_EMAIL,
    IMPORT_ROWS,
    RATE,
    REMINDERS,
    ROOT,
    SECONDS,
    STEP_SECONDS,
    say,
)


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
        for line in (ROOT / f"{name}.log").read_text(errors="replace").splitlines():
            if "contacts.tasks.import_run[" in line and "received" in line:
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
    load["proxy_5xx"] = proxy_errors()
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
        for rate in (10, 20, 30, 50, 70, 90, 110, 140, 180, 240):
            say(f"step test, {label}: {rate} req/s for {STEP_SECONDS} s")
            figures = drive(load_plan(cluster, rate, STEP_SECONDS))
            keep = ("rate_asked", "throughput_rps", "median_ms", "p95_ms", "errors_5xx")
            steps.append({k: figures[k] for k in (*keep, "socket_errors")})
            if figures["p95_ms"] > 1000:
                break
        results[label] = steps
    cluster.admin("enable server web/web2")
    return results


def proxy_errors() -> dict[str, int]:
    """5xx answers in HAProxy's log, by status and termination state: ``503 sQ`` waited too
    long in the proxy's queue, ``502 SH`` a node died during the request, ``503 SC`` no node
    could be reached."""
    counts: Counter = Counter()
    for line in (ROOT / "haproxy.log").read_text(errors="replace").splitlines():
        fields = line.split()
        # httplog: ... frontend backend/server timers status bytes - - TERM ...
        for i, field in enumerate(fields[:-4]):
            if field.isdigit() and len(field) == 3 and "/" in fields[i - 1] and i > 4:
                if field.startswith("5"):
                    counts[f"{field} {fields[i + 4][:2]}"] += 1
                break
    return dict(counts)


def best_rate(steps: list[dict]) -> float:
    """The highest served rate whose p95 stayed under 1 s."""
    good = [s["throughput_rps"] for s in steps if s["p95_ms"] <= 1000]
    return max(good) if good else 0
