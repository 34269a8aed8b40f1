import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from inbound.smtp import controller


class Command(BaseCommand):
    help = "Receive mail for the BCC drop addresses over SMTP (aiosmtpd) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.INBOUND_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.INBOUND_SMTP_PORT)

    def handle(self, *args, host, port, **options):
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_args: stop.set())
        server = controller(host, port)
        try:
            server.start()
        except OSError as error:
            # `make run` keeps the web and the worker up: say why mail is not received and
            # wait to be stopped with the others.
            self.stderr.write(
                f"Inbound SMTP receiver is off: cannot listen on {host}:{port} ({error}). "
                "Set INBOUND_SMTP_PORT to a free port."
            )
            stop.wait()
            return
        self.stdout.write(f"Inbound SMTP receiver on {host}:{port} for *@{settings.INBOUND_DOMAIN}")
        try:
            stop.wait()
        finally:
            server.stop()
