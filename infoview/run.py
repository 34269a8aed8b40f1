"""`make run`: web, Celery worker and Celery beat together, stopped together by Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_LOGINS = [
    ("Candidate (personal workspace)", "priya@demo.infoview.test"),
    ("Team admin (Northwind Talent)", "alex@demo.infoview.test"),
    ("Recruiter", "sam@demo.infoview.test"),
    ("Recruiter", "jordan@demo.infoview.test"),
]


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "infoview"]
    commands = {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
    }
    children = {
        name: subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)
        for name, command in commands.items()
    }
    from accounts.management.commands.seed_demo import DEMO_PASSWORD

    logins = "\n".join(f"    {who:32} {email}" for who, email in DEMO_LOGINS)
    print(
        f"\n  Infoview is running at http://{host}:{port}\n\n"
        f"  Demo logins (password: {DEMO_PASSWORD}):\n{logins}\n\n"
        "  Web, Celery worker and beat are running. Press Ctrl-C to stop them all.\n",
        flush=True,
    )

    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"\n  {name} stopped (exit {child.returncode}); stopping the others.")
                exit_code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.5)

    print("\n  Stopping web, worker and beat...", flush=True)
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    if not os.environ.get("DATABASE_URL"):
        from infoview import localdb

        localdb.stop()
        print("  Stopped the private PostgreSQL under var/postgres.")
    print("  Stopped.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
