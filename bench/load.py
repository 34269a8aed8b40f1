"""The load generator for `make bench`: a separate process that only speaks HTTP to 127.0.0.1.

It reads a plan (JSON) on standard input and prints results (JSON) on standard output:

- ``{"mode": "latency", "base": ..., "logins": [...], "pages": {name: path}, "requests": N}``:
  each page N times, one request at a time, in rounds (every page once a round), for median /
  p95 / p99 latency and throughput. A path ending in ``#revalidate`` is fetched once for its
  ``ETag``, then measured as a repeat fetch that sends it back (``If-None-Match``), the way a
  calendar app polls a feed.
- ``{"mode": "rate", "base": ..., "logins": [...], "mix": [...], "rate": R, "seconds": S}``:
  an open-loop load at R requests per second for S seconds (bounded in count and time), with
  the given mix of reads, writes, searches, reports and log-ins.

Stdlib only, so that the server's Python is not the one being measured.
"""

import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SERVER_TIMING_CPU = re.compile(r"cpu;dur=([0-9.]+)")
SERVER_TIMING_SQL = re.compile(r'sql;desc="([0-9]+)"')


class Session:
    """One signed-in user: cookies kept by hand, one connection per request."""

    def __init__(self, base: str):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies: dict[str, str] = {}
        # The server's own figures for the last response (infoview/servertiming.py).
        self.last_cpu_ms: float | None = None
        self.last_queries: int | None = None
        self.last_etag: str | None = None

    def request(
        self, method: str, path: str, form: dict | None = None, extra: dict | None = None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "infoview-bench"}
        headers.update(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.last_etag = response.getheader("ETag")
            timing = response.getheader("Server-Timing") or ""
            cpu, sql = SERVER_TIMING_CPU.search(timing), SERVER_TIMING_SQL.search(timing)
            self.last_cpu_ms = float(cpu.group(1)) if cpu else None
            self.last_queries = int(sql.group(1)) if sql else None
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            connection.close()

    def log_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": email, "password": password},
        )
        if status != 302:
            raise SystemExit(f"log-in of {email} failed with HTTP {status}")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _summary(durations: list[float], statuses: list[int], wall: float) -> dict:
    ms = [d * 1000 for d in durations]
    return {
        "requests": len(ms),
        "median_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(_percentile(ms, 0.95), 1) if ms else None,
        "p99_ms": round(_percentile(ms, 0.99), 1) if ms else None,
        "throughput_rps": round(len(ms) / wall, 1) if wall else None,
        "errors_5xx": sum(1 for s in statuses if s >= 500),
        "socket_errors": sum(1 for s in statuses if s == 0),
        "statuses": sorted(set(statuses)),
    }


def measure_latency(plan: dict) -> dict:
    """Each page N times, one request at a time, in rounds: every page once per round.

    The figures that matter are ratios to the floor page; pages measured in rounds meet the
    same moments of a shared machine (its neighbours, its clock speed), where each page's N
    requests in a block of their own, seconds apart from the floor's, met different ones and
    moved a page's ratio by half its size from run to run."""
    session = Session(plan["base"])
    login = plan["logins"][0]
    session.log_in(login["email"], login["password"])
    anonymous = Session(plan["base"])
    pages = []
    for name, path in plan["pages"].items():
        client = anonymous if name == "log-in page" else session
        path, revalidate, extra = path.removesuffix("#revalidate"), path.endswith("#revalidate"), {}
        for _ in range(3):  # warm caches and connections
            client.request("GET", path)
        if revalidate:
            extra = {"If-None-Match": client.last_etag or ""}
        pages.append((name, client, path, extra))
    taken = {name: ([], [], [], [], []) for name, *_ in pages}
    for _ in range(plan["requests"]):
        for name, client, path, extra in pages:
            durations, statuses, cpu, queries, sizes = taken[name]
            t0 = time.perf_counter()
            status, body = client.request("GET", path, extra=extra)
            durations.append(time.perf_counter() - t0)
            statuses.append(status)
            sizes.append(len(body))
            if client.last_cpu_ms is not None:
                cpu.append(client.last_cpu_ms)
                queries.append(client.last_queries)
    results = {}
    for name, _client, path, _extra in pages:
        durations, statuses, cpu, queries, sizes = taken[name]
        # One request at a time: the page's throughput is over its own requests' time.
        results[name] = _summary(durations, statuses, sum(durations))
        results[name]["path"] = path
        results[name]["cpu_ms"] = round(statistics.median(cpu), 1) if cpu else None
        results[name]["queries"] = max(queries) if queries else None
        results[name]["kb"] = round(statistics.median(sizes) / 1024, 1)
    return results


def run_rate(plan: dict) -> dict:
    """Open loop: requests start on schedule whether or not earlier ones have finished."""
    rng = random.Random(7)
    sessions = []
    for login in plan["logins"]:
        session = Session(plan["base"])
        session.log_in(login["email"], login["password"])
        session.request("GET", plan["csrf_page"])
        sessions.append((session, login))
    mix = plan["mix"]
    weights = [item["weight"] for item in mix]
    rate, seconds = plan["rate"], plan["seconds"]
    total = int(rate * seconds)
    lock = threading.Lock()
    durations, statuses, kinds = [], [], {}

    def one(item: dict, session: Session, login: dict, due: float) -> None:
        # Timed from when the request was due, not from when a thread took it up: once the
        # server falls behind, requests wait in this pool (at most 64 run at once), and that
        # wait is latency too. Timed from the start, p95 stayed near 64 / throughput however
        # far behind the server fell (coordinated omission), and never passed 1 s above
        # ~64 req/s of capacity.
        t0 = due
        try:
            if item["kind"] == "login":
                fresh = Session(plan["base"])
                fresh.log_in(login["email"], login["password"])
                status = 302
            elif item.get("method") == "POST":
                form = dict(item.get("form", {}))
                form["csrfmiddlewaretoken"] = session.cookies.get("csrftoken", "")
                status, _ = session.request("POST", item["path"], form)
            else:
                status, _ = session.request("GET", item["path"])
        except (OSError, http.client.HTTPException, SystemExit):
            status = 0
        elapsed = time.perf_counter() - t0
        with lock:
            durations.append(elapsed)
            statuses.append(status)
            kinds.setdefault(item["kind"], []).append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=plan.get("threads", 64)) as pool:
        for i in range(total):
            due = started + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if time.perf_counter() - started > seconds * 1.5:
                break  # the client itself cannot keep up: stop, bounded in time
            session, login = sessions[i % len(sessions)]
            item = rng.choices(mix, weights)[0]
            pool.submit(one, item, session, login, due)
    wall = time.perf_counter() - started
    result = _summary(durations, statuses, wall)
    result["rate_asked"] = rate
    result["seconds"] = seconds
    result["by_kind_p95_ms"] = {
        kind: round(_percentile([d * 1000 for d in values], 0.95), 1)
        for kind, values in kinds.items()
    }
    return result


def main() -> None:
    plan = json.load(sys.stdin)
    if plan["mode"] == "latency":
        result = measure_latency(plan)
    elif plan["mode"] == "rate":
        result = run_rate(plan)
    else:
        raise SystemExit(f"unknown mode {plan['mode']!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
