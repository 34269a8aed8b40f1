"""`python -m bench.cluster` (`make cluster`): bring the cluster up, run the drill, report."""

import argparse
import contextlib
import os
import shutil
import sys
import time
from datetime import UTC, datetime

from bench.cluster import ROOT, SECONDS, say
from bench.cluster.drill import drill, step_test
from bench.cluster.nodes import Cluster
from bench.cluster.report import passed, steps_ratio, verdict_line, write_results


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
        load_average = [round(os.getloadavg()[0], 1)]
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
        "load_average": load_average + [round(os.getloadavg()[0], 1)],
        "events": events,
        "verdict": line,
        "passed": passed(result),
        "result": result,
    }
    if steps:
        run["steps"] = steps
        run["steps_ratio"] = steps_ratio(steps)
    write_results(run)
    print(line)
    return 0 if run["passed"] else 1


sys.exit(main())
