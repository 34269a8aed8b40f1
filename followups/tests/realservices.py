"""Real Redis, a real Celery worker process and a real SMTP server, for the failure tests."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings

from accounts.outbox import delivery
from followups import reminders
from infoview.net import free_port
from infoview.testing.smtp import Inbox

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


class SlowInbox(Inbox):
    """Takes ``delay`` seconds to accept each message, so a test can act mid-batch."""

    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)

    def counts(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


class SMTPServer:
    """aiosmtpd on a fixed port that can be stopped and started again with the same inbox."""

    def __init__(self):
        self.port = free_port()
        self.inbox = SlowInbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A infoview worker --pool prefork --concurrency 2`` on the test's database."""

    def __init__(self, broker_url: str, smtp_port: int, log_dir: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "FOLLOWUPS_RETRY_BACKOFF_SECONDS": "1",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "OUTBOX_SEND_LEASE_SECONDS": "8",
            "OUTBOX_UNKNOWN_RESEND_DELAY_SECONDS": "1",
            "OUTBOX_RECORD_PATIENCE_SECONDS": "20",
            "LOG_LEVEL": "INFO",
        }
        self.log_dir = log_dir
        self.process = None
        self.runs = 0

    def start(self):
        self.runs += 1
        self.log = self.log_dir / f"worker-{self.runs}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "infoview", "worker", "--pool", "prefork"]
            + ["--concurrency", "2", "--loglevel", "INFO", "--without-gossip"]
            + ["--without-mingle", "--without-heartbeat", "-n", f"test{self.runs}@%h"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log.read_text() or self.process.poll() is not None,
            timeout=30,
            message="the worker to be ready",
        )
        assert self.process.poll() is None, self.log.read_text()
        return self

    def kill(self):
        """SIGKILL the whole worker: the main process and its pool children."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat:
    """Plays the beat from the test: claims due rows and queues them on the private Redis."""

    def __init__(self, broker_url: str, lease_seconds: float = 2.0):
        from datetime import timedelta

        self.app = Celery("followups-test-beat", broker=broker_url)
        self.app.conf.broker_connection_timeout = 2
        self.lease = timedelta(seconds=lease_seconds)

    def tick(self, batch_size: int = 10) -> int:
        """Both beat entries: due reminders into the outbox, then the outbox's sweep and claim."""
        ids = reminders.reminders_claim_due(lease=self.lease)
        delivery.messages_sweep()
        outgoing = delivery.messages_claim_due(lease=self.lease)
        try:
            for batch in reminders.batches(ids, batch_size):
                self.app.send_task("followups.tasks.reminders_deliver", args=[batch], retry=False)
            for batch in delivery.batches(outgoing, batch_size):
                self.app.send_task("accounts.tasks.outbox_deliver", args=[batch], retry=False)
        except Exception:  # a broker that is down: the rows come back after the lease
            return 0
        return len(ids) + len(outgoing)

    def close(self):
        self.app.close()
