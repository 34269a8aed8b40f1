"""gunicorn's settings for Infoview: ``gunicorn -c python:infoview.gunicorn_conf infoview.wsgi``.

Each gunicorn worker is a process of its own; for ``/metrics`` to add up the request figures of
all of them, prometheus-client's multiprocess mode keeps each worker's figures in a file under
``$INFOVIEW_VAR_DIR/prometheus`` (one folder per node: two nodes on one machine need two
INFOVIEW_VAR_DIRs). The folder is emptied when gunicorn starts, and a dead worker's live gauges
are dropped; its counters and histograms stay, as Prometheus expects of counters.
Bind address and worker count stay on the command line.
"""

import os
import shutil
from pathlib import Path

_var_dir = Path(os.environ.get("INFOVIEW_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
# Set here, in the master, before any worker imports prometheus_client: the mode is chosen at
# import time.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_var_dir / "prometheus"))
# gunicorn's control socket defaults to one path per user; two nodes on one machine would fight
# over it.
control_socket = str(_var_dir / "gunicorn.ctl")


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
