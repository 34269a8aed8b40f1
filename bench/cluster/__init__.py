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

import os
import sys
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
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
