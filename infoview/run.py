"""`make run`: web, Celery worker and Celery beat together, stopped together by Ctrl-C."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from infoview import local, localdb
from infoview.demo_logins import DEMO_PASSWORD, DEMO_PEOPLE
from infoview.net import port_answers

BASE_DIR = Path(__file__).resolve().parent.parent


def site_url(host: str, port: str) -> str:
    """The address the web server answers on, as links in emails should name it."""
    # Listening on every interface: this machine is reached at least on the loopback.
    if host in ("", "0.0.0.0", "::"):  # noqa: S104
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    # Links in emails (sent by the web and the worker alike) point where this really serves,
    # unless SITE_URL names the public address.
    env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL") or site_url(host, port)}
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "infoview"]
    commands = {
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
        "inbound-smtp": [python, "manage.py", "inbound_smtp"],
    }
    logins = "\n".join(
        f"    {role:12} {email:28} ({name})" for email, name, _tz, role in DEMO_PEOPLE.values()
    )
    # Once, here, rather than three times at once in web, worker and beat.
    local.prepare()
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children = {
        name: subprocess.Popen(
            command, cwd=BASE_DIR, start_new_session=True, env=child_environment(name, env)
        )
        for name, command in commands.items()
    }
    # Print the banner once the web server answers, so it is the last thing on the screen.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stopping and children["web"].poll() is None:
        if port_answers(int(port), host):
            break
        time.sleep(0.3)
    print(
        f"\n  Infoview is running at http://{host}:{port}\n\n"
        f"  Demo logins (password: {DEMO_PASSWORD}):\n{logins}\n\n"
        "  Web, Celery worker, beat and the inbound SMTP receiver are running."
        " Press Ctrl-C to stop them all.\n",
        flush=True,
    )

    exit_code = 0
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"\n  {name} stopped (exit {child.returncode}); stopping the others.")
                    exit_code = child.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        _stop_all(children)
    return exit_code


def child_environment(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of one of the processes.

    runserver answers each request on a new thread, and a persistent database connection
    belongs to its thread: with DATABASE_CONN_MAX_AGE above zero, every thread leaves one open
    until it times out, and a burst of requests takes a shared PostgreSQL's last connections.
    So the development server closes its connection after each request; gunicorn's workers,
    which reuse their threads, keep persistent connections.
    """
    environment = dict(os.environ if base is None else base)
    if name == "web":
        environment["DATABASE_CONN_MAX_AGE"] = "0"
    return environment


def _stop_all(children: dict) -> None:
    print("\n  Stopping web, worker and beat...", flush=True)
    for name, child in children.items():
        if child.poll() is None:
            if name == "web":
                # The autoreloader's parent does not pass the signal on: stop its whole group.
                os.killpg(child.pid, signal.SIGTERM)
            else:
                # Celery's main process stops its own pool (a warm shutdown); signalling the
                # pool processes directly would only make them die mid-task.
                child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is left of the group (a pool process, the reloader's child) goes now.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
    if not os.environ.get("DATABASE_URL") and localdb.stop():
        print(f"  Stopped the private PostgreSQL under {localdb.default_root()}.")
    print("  Stopped.")


if __name__ == "__main__":
    sys.exit(main())
