"""`make bench`: seed (or reuse) the scale data, serve it with gunicorn, measure it from outside.

Steps, each printed as it runs:
1. migrate, `seed_scale` (reused when present), `VACUUM ANALYZE`, `collectstatic`;
2. gunicorn on 127.0.0.1 (production settings, DEBUG=false) against the same PostgreSQL;
3. latency of every main page, N requests each, one at a time and in rounds (every page once
   a round), from a separate process (bench/load.py), with a floor page for ratios;
4. the apps' own benchmarks (import throughput, reminder dispatch beside plain smtplib,
   reports beside their bare SQL), run as they are and their output kept;
5. a 5-minute load of 50 requests per second with a realistic mix, then a step test that finds
   the rate where p95 passes 1 s;
6. bench/results.md and bench/results.json.

Options: ``--quick`` (fewer requests, a 30-second load and a short step test: for checking the
harness, not for figures), ``--skip-load``, ``--skip-apps``, ``--pages WORD...`` (only the pages
whose name holds one of the words, beside the floor: for iterating on one page), ``--requests N``.

Beside each wall time the server reports (infoview/servertiming.py, ``SERVER_TIMING=true``) its
CPU milliseconds and SQL queries for the request: on a machine shared with others, the ratio of
CPU time to the floor's is the figure that holds from run to run. results.md keeps the previous
run's figures beside the new ones.
"""

import argparse
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import django

from infoview import local
from infoview.net import free_port
from infoview.testing.services import RedisServer

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench"
PYTHON = sys.executable
FLOOR = "floor (base layout only)"


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def manage(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env or os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
    local.prepare()
    django.setup()


def vacuum() -> None:
    """Measure the database in the state autovacuum keeps a production one in.

    A development server may run with autovacuum off (this machine's does). The seeder's
    updates then leave two dead versions of every contact row, and a search reads them all:
    the contact searches took about twice their time in PostgreSQL.
    """
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def busiest_recruiter(workspace):
    """Whose calendar feed the benches fetch: the member with the most interviews from 30 days
    ago on (ties to the first made)."""
    from datetime import timedelta

    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User

    since = timezone.now() - timedelta(days=30)
    return (
        User.objects.filter(membership__workspace=workspace)
        .annotate(n=Count("interviews", filter=Q(interviews__starts_at__gte=since)))
        .order_by("-n", "pk")
        .first()
    )


def plan_pages() -> tuple[dict, dict]:
    """The pages to measure, with real ids from the scale workspace."""
    _django()

    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import Workspace
    from contacts.models import Contact
    from followups.models import FollowUp
    from infoview.management.commands.seed_scale import SLUG
    from interviews import services as interview_services
    from interviews.models import Interview

    workspace = Workspace.objects.get(slug=SLUG)
    ws = {"ws": SLUG}
    contact = (
        Contact.objects.filter(workspace=workspace)
        .annotate(n=Count("interviews"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    interview = (
        Interview.objects.filter(workspace=workspace, status="completed")
        .annotate(n=Count("notes"))
        .filter(n__gte=1)
        .order_by("pk")
        .first()
    )

    token = interview_services.calendar_token_regenerate(user=busiest_recruiter(workspace)).token
    feed = reverse("calendar:feed", kwargs={"token": token})
    pages = {
        "log-in page": reverse("accounts:login"),
        FLOOR: reverse("accounts:password_change"),
        "workspace home": reverse("workspace_home", kwargs=ws),
        "contact list": reverse("contacts:list", kwargs=ws),
        "contact list, search 'patel'": reverse("contacts:list", kwargs=ws) + "?q=patel",
        "contact list, search with a typo 'kowalsky'": reverse("contacts:list", kwargs=ws)
        + "?q=kowalsky",
        # The REST API's contact list (issue 15's target: median within 2x the floor page),
        # reached with the signed-in session like the pages.
        "API contact list, 50 a page, search 'patel'": (
            f"/api/v1/w/{SLUG}/contacts?q=patel&limit=50"
        ),
        "contact page": contact.get_absolute_url(),
        "interview page": interview.get_absolute_url(),
        "conversation view": reverse("interviews:conversation", kwargs={**ws, "pk": interview.pk}),
        "interview list": reverse("interviews:list", kwargs=ws),
        "new interview": reverse("interviews:create", kwargs=ws),
        "follow-up list": reverse("followups:list", kwargs=ws),
        "follow-up list, show all (overdue)": reverse("followups:list", kwargs=ws)
        + "?section=overdue&who=all",
        "new follow-up": reverse("followups:create", kwargs=ws),
        # A fetch without a validator: after the warm-up, the file kept in the shared cache since
        # the last change (followups/calendar_feed.py). The first fetch after a change, which
        # writes the file, is not a page here: bench/feed.py measures it (`make bench` runs it).
        "calendar feed": feed,
        # A calendar app's poll: it sends the ETag back and nothing changed.
        "calendar feed, repeat with its validator (304)": feed + "#revalidate",
    }
    from reports.selectors import REPORTS

    pages["report index"] = reverse("reports:index", kwargs=ws)
    for spec in REPORTS.values():
        if spec.team:  # the scale workspace is a team workspace
            suffix = " (admins only)" if spec.admin else ""
            pages[f"report {spec.slug}{suffix}"] = reverse(
                "reports:detail", kwargs={**ws, "slug": spec.slug}
            )
    # The load snoozes open follow-ups, and a snoozed one is not snoozed again: undo the last
    # run's snoozes, or a reused scale workspace runs out of targets and the mix loses its
    # snooze writes without a word (as the 19:36 run of 30 November did).
    FollowUp.objects.filter(workspace=workspace, status="snoozed").update(
        status="open", snoozed_until=None
    )
    open_followups = list(
        FollowUp.objects.filter(workspace=workspace, status="open")
        .exclude(kind="keep_in_touch")
        .values_list("pk", flat=True)[:20000]
    )
    completed = list(
        Interview.objects.filter(workspace=workspace, status="completed").values_list(
            "pk", flat=True
        )[:2000]
    )
    writes = {"followups": open_followups, "interviews": completed}
    return pages, writes


def load_mix(pages: dict, writes: dict, rng_seed: int = 3) -> list[dict]:
    """60% reads, 20% writes of notes and follow-ups, 10% searches, 5% reports, 5% log-ins."""
    from django.urls import reverse

    rng = random.Random(rng_seed)
    reads = [
        p
        for name, p in pages.items()
        if name
        in {
            "workspace home",
            "contact list",
            "contact page",
            "interview page",
            "conversation view",
            "follow-up list",
        }
    ]
    # The load's sessions are mostly recruiters, so admin-only reports (a 403 for them) stay out.
    reports = [
        p
        for name, p in pages.items()
        if name.startswith("report ") and not name.endswith("(admins only)")
    ] or [pages["workspace home"]]
    searches = ["patel", "chen", "python", "kowalsky", "lond", "fintech", "garcia"]
    contact_list = pages["contact list"]
    mix = [{"kind": "read", "path": p, "weight": 60 / len(reads)} for p in reads]
    mix += [
        {"kind": "search", "path": f"{contact_list}?q={term}", "weight": 10 / len(searches)}
        for term in searches
    ]
    mix += [{"kind": "report", "path": p, "weight": 5 / len(reports)} for p in reports]
    mix += [{"kind": "login", "weight": 5}]
    note_targets = rng.sample(writes["interviews"], min(200, len(writes["interviews"])))
    mix += [
        {
            "kind": "write",
            "method": "POST",
            "path": reverse("interviews:note_add", kwargs={"ws": "scale-team", "pk": pk}),
            "form": {"kind": "insight", "body": "Load-test insight: **keep** it short."},
            "weight": 10 / len(note_targets),
        }
        for pk in note_targets
    ]
    done_targets = writes["followups"][:2000]
    if not done_targets:
        raise SystemExit("the scale workspace has no open follow-up left for the load to snooze")
    mix += [
        {
            "kind": "write",
            "method": "POST",
            "path": reverse("followups:snooze", kwargs={"ws": "scale-team", "pk": pk}),
            "form": {"days": "3"},
            "weight": 10 / len(done_targets),
        }
        for pk in done_targets
    ]
    return mix


def machine_speed() -> float:
    """CPU milliseconds of a fixed pure-Python workload (median of 7), before the server starts.

    The machines this runs on differ, and one machine's speed moves from hour to hour with its
    neighbours: the ratios to the floor hold across them, absolute figures (the step test's
    knee, the import's seconds) do not. This figure says which kind of run a result came from.
    """
    timings = []
    for _ in range(7):
        started = time.process_time()
        total, words = 0, {}
        for i in range(200_000):
            total += i % 7
            words[f"w{i % 1000}"] = words.get(f"w{i % 1000}", 0) + 1
        timings.append((time.process_time() - started) * 1000)
    return round(sorted(timings)[3], 1)


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "infoview.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def drive(plan: dict) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "bench.load"],
        cwd=BASE_DIR,
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=False,
        timeout=plan.get("seconds", 600) * 2 + 600,
    )
    if result.returncode != 0:
        raise SystemExit(f"the load generator failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def app_benchmarks() -> dict:
    outputs = {}
    for module in (
        "contacts.bench",
        "followups.bench",
        "bench.feed",
        "reports.bench",
        "interviews.bench",
        "webhooks.bench",
        "inbound.bench",
    ):
        if not (BASE_DIR / (module.replace(".", "/") + ".py")).exists():
            continue
        say(f"running python -m {module}")
        started = time.monotonic()
        result = subprocess.run(
            [PYTHON, "-m", module],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        outputs[module] = {
            "exit": result.returncode,
            "seconds": round(time.monotonic() - started, 1),
            "output": (result.stdout + ("\n" + result.stderr[-2000:] if result.returncode else "")),
        }
    return outputs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-apps", action="store_true")
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--requests", type=int, default=None)
    options = parser.parse_args()

    say("migrating and seeding the scale workspace (reused when present)")
    manage("migrate", "--noinput", "-v0")
    started = time.monotonic()
    seed_output = manage("seed_scale")
    seed_seconds = round(time.monotonic() - started, 1)
    print(seed_output, flush=True)
    say("VACUUM ANALYZE (what autovacuum would have done)")
    vacuum()
    pages, writes = plan_pages()
    if options.pages:
        measured = {
            name: path
            for name, path in pages.items()
            if name == FLOOR or any(word in name for word in options.pages)
        }
    else:
        measured = pages
    from infoview.demo_logins import DEMO_PASSWORD
    from infoview.management.commands.seed_scale import ADMIN_EMAIL

    port = free_port()
    # Production settings want a shared cache: the machine's Redis when REDIS_URL or CACHE_URL
    # names one, else a private redis-server for the run (as the drills start their own).
    private_redis = None
    if not (os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL")):
        private_redis = RedisServer().start()
        say(f"no REDIS_URL: a private redis-server on port {private_redis.port} for the cache")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "SERVER_TIMING": "true",
        # The feed is fetched about 90 times in a row here: its limit (60 a minute per feed)
        # stays checked on every request, but is set out of reach.
        "RATE_LIMIT_CALENDAR_FEED": "100000/m",
        # Likewise the log-ins of the load's realistic mix: they all come from 127.0.0.1 here,
        # where real ones come from many addresses; answered 429, they would flatter the load.
        "RATE_LIMIT_LOGIN": "100000/m",
        "DATABASE_URL": _database_url(),
        **({"REDIS_URL": private_redis.url} if private_redis else {}),
        # Production settings want a broker named; without one, the file broker of the runs above.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or local.FILE_BROKER_URL,
    }
    manage("collectstatic", "--noinput", "-v0", env=env)  # the manifest production needs
    say(f"starting gunicorn on 127.0.0.1:{port} (3 workers, DEBUG=false)")
    server = start_gunicorn(port, env)
    base = f"http://127.0.0.1:{port}"
    logins = [{"email": ADMIN_EMAIL, "password": DEMO_PASSWORD}] + [
        {"email": f"scale-recruiter{i}@bench.infoview.test", "password": DEMO_PASSWORD}
        for i in range(1, 7)
    ]
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seed_seconds": seed_seconds,
        "seed_output": seed_output,
        "machine_speed_ms": machine_speed(),
    }
    try:
        say("measuring page latency")
        latency = drive(
            {
                "mode": "latency",
                "base": base,
                "logins": logins[:1],
                "pages": measured,
                "requests": options.requests or (10 if options.quick else 40),
            }
        )
        floor, floor_cpu = latency[FLOOR]["median_ms"], latency[FLOOR]["cpu_ms"]
        for figures in latency.values():
            figures["ratio_to_floor"] = round(figures["median_ms"] / floor, 2) if floor else None
            figures["cpu_ratio_to_floor"] = (
                round(figures["cpu_ms"] / floor_cpu, 2)
                if floor_cpu and figures["cpu_ms"] is not None
                else None
            )
        results["latency"] = latency

        if not options.skip_load and not options.pages:
            seconds = 30 if options.quick else 300
            say(f"load: 50 requests per second for {seconds} s, realistic mix")
            mix = load_mix(pages, writes)
            common = {"mode": "rate", "base": base, "logins": logins, "mix": mix}
            common["csrf_page"] = pages[FLOOR]
            results["load"] = drive({**common, "rate": 50, "seconds": seconds})
            steps = []
            for rate in [50, 60, 70, 80, 90, 100, 110, 120, 130, 150, 200, 300, 400]:
                step_seconds = 10 if options.quick else 30
                say(f"step test: {rate} requests per second for {step_seconds} s")
                figures = drive({**common, "rate": rate, "seconds": step_seconds})
                steps.append(figures)
                if figures["p95_ms"] > 1000:
                    break
            results["steps"] = steps
    finally:
        server.terminate()
        if private_redis:
            private_redis.stop()
        server.wait(timeout=30)

    if not options.skip_apps and not options.pages:
        results["apps"] = app_benchmarks()
    write_results(results)


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _previous() -> dict:
    try:
        return json.loads((RESULTS / "results.json").read_text())
    except (OSError, ValueError):
        return {}


def _figure(value, suffix: str = "") -> str:
    return "-" if value is None else f"{value}{suffix}"


# Sections other commands write into results.md (`make cluster`, the exactly-once drills of
# `make drills`); a bench run rewrites the rest of the file and keeps these as they were.
KEPT_SECTIONS = (
    ("<!-- cluster:start -->", "<!-- cluster:end -->"),
    ("<!-- drills:start -->", "<!-- drills:end -->"),
)


def kept_sections(previous: str) -> list[str]:
    """The other commands' sections of the previous results.md, markers included."""
    sections = []
    for start, end in KEPT_SECTIONS:
        if start in previous and end in previous.split(start, 1)[1]:
            sections.append(start + previous.split(start, 1)[1].split(end, 1)[0] + end)
    return sections


def write_results(results: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    previous = _previous()
    if results.get("latency") and len(results["latency"]) < len(previous.get("latency", {})):
        # A partial run (--pages) keeps the pages it did not measure from the previous run.
        results["latency"] = {
            **{k: v for k, v in previous["latency"].items() if k not in results["latency"]},
            **results["latency"],
        }
        results["partial"] = True
    before = previous.get("previous_latency") if previous.get("partial") else None
    results["previous_date"] = (
        previous.get("previous_date") if previous.get("partial") else previous.get("date")
    )
    results["previous_latency"] = before or previous.get("latency", {})
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2))
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['date']} on {results['machine']['cores']} cores "
        f"({results['machine']['platform']}, Python {results['machine']['python']}). "
        "Reproduce with `make bench`.",
        "",
        f"Scale data seeded in {results['seed_seconds']} s "
        "(0 means it was reused; `python manage.py seed_scale --fresh` re-seeds).",
        "",
        "Machine speed: a fixed pure-Python workload took "
        f"{_figure(results.get('machine_speed_ms'))} ms of CPU (previous run: "
        f"{_figure(previous.get('machine_speed_ms'))} ms; lower is faster). "
        "The ratios to the floor hold from machine to machine; absolute figures (the "
        "step test's knee, the import's seconds) scale with this one.",
        "",
        "## Page latency (one request at a time, every page once a round; gunicorn with 3 "
        "workers, DEBUG=false)",
        "",
        "Wall time is the client's; CPU ms and queries are the server's own for the request "
        '(median CPU, most queries). "x floor" is wall time over the floor page\'s, '
        '"CPU x floor" the same for CPU time. The "before" columns are the previous run '
        f"({results.get('previous_date') or 'none'}).",
        "",
        "| page | median ms | p95 ms | CPU ms | queries | KB | x floor | CPU x floor "
        "| before: median ms | before: x floor | before: CPU x floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    before = results.get("previous_latency", {})
    for name, f in results.get("latency", {}).items():
        b = before.get(name, {})
        lines.append(
            f"| {name} | {f['median_ms']} | {f['p95_ms']} | {_figure(f.get('cpu_ms'))} | "
            f"{_figure(f.get('queries'))} | {_figure(f.get('kb'))} | {f['ratio_to_floor']} | "
            f"{_figure(f.get('cpu_ratio_to_floor'))} | {_figure(b.get('median_ms'))} | "
            f"{_figure(b.get('ratio_to_floor'))} | {_figure(b.get('cpu_ratio_to_floor'))} |"
        )
    if "load" in results:
        load = results["load"]
        lines += [
            "",
            "## Load: 50 requests per second, realistic mix",
            "",
            f"{load['requests']} requests in {load['seconds']} s: median {load['median_ms']} ms, "
            f"p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms, "
            f"{load['errors_5xx']} responses 5xx, {load['socket_errors']} socket errors. "
            f"p95 by kind: {load['by_kind_p95_ms']}.",
            "",
            "## Step test",
            "",
            "| asked req/s | served req/s | median ms | p95 ms | 5xx | socket errors |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for step in results.get("steps", []):
            lines.append(
                f"| {step['rate_asked']} | {step['throughput_rps']} | {step['median_ms']} | "
                f"{step['p95_ms']} | {step['errors_5xx']} | {step['socket_errors']} |"
            )
    for module, run in results.get("apps", {}).items():
        lines += ["", f"## `python -m {module}` ({run['seconds']} s, exit {run['exit']})", ""]
        lines += ["```", run["output"].rstrip(), "```"]
    previous = (RESULTS / "results.md").read_text() if (RESULTS / "results.md").exists() else ""
    for section in kept_sections(previous):
        lines += ["", section]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    say(f"wrote {RESULTS / 'results.md'} and results.json")


if __name__ == "__main__":
    main()
