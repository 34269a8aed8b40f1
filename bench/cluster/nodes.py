"""The cluster's processes: services, web nodes, workers, beats, HAProxy and the SMTP sink."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

from bench.cluster import BASE_DIR, FAKETIME_LIB, PYTHON, ROOT, SEED, SKEW, WEB_WORKERS, say
from bench.drills import free_port, start_redis
from bench.haproxy import Node, config


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
