"""``/metrics``: Prometheus figures for watching Infoview from outside.

Two kinds of figures:

- **Request latency by route**, observed by ``RequestMetricsMiddleware`` in every web process.
  Under gunicorn each worker is its own process, so the figures go through prometheus-client's
  multiprocess mode: ``infoview/gunicorn_conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at
  ``$INFOVIEW_VAR_DIR/prometheus`` (one folder per node, emptied when gunicorn starts) and a
  scrape adds up every worker's file. Each node answers for its own requests; Prometheus
  scrapes every node.
- **The state of the timed work**, computed from the database (and the broker) at scrape time,
  so they are the same whichever node answers: reminders by state, reminders due and the age
  of the oldest one, the email outbox, import jobs by status, the Celery queue's length.

The page answers only a bearer token (``METRICS_TOKEN``) or an allowed client address
(``METRICS_ALLOWED_ADDRESSES``, addresses or networks); with neither set it is off (404).
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from contacts.models import ImportJob
from followups.models import Reminder
from infoview.celery import app
from infoview.clientip import client_ip

# Kept out of the global registry: a scrape builds its own, from these in a single process or
# from the multiprocess folder under gunicorn.
REQUEST_LATENCY = Histogram(
    "infoview_request_duration_seconds",
    "Time to answer a request, by route (the URL's name) and method.",
    ["route", "method"],
    registry=None,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "infoview_requests",
    "Requests answered, by route and status class (2xx, 3xx, 4xx, 5xx).",
    ["route", "status"],
    registry=None,
)


def route_of(request) -> str:
    """The URL's name ("contacts:list"), never the path: one series per page, not per object."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        REQUEST_LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, f"{response.status_code // 100}xx").inc()
        return response


class TimedWorkCollector:
    """Figures read from the database and the broker when Prometheus asks."""

    def collect(self):
        now = timezone.now()
        yield from self._reminders(now)
        yield self._imports()
        yield from self._queue()

    def _reminders(self, now):
        by_state = GaugeMetricFamily(
            "infoview_reminders", "Reminder emails by state (rows).", labels=["state"]
        )
        counts = dict(
            Reminder.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        for state in Reminder.State.values:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state

        due = Reminder.objects.filter(state=Reminder.State.PENDING, due_at__lte=now)
        figures = due.aggregate(
            total=Count("pk"),
            oldest=Min("due_at"),
            waiting=Count("pk", filter=Q(next_attempt_at__lte=now)),
            queued=Count("pk", filter=Q(next_attempt_at__gt=now, attempts=0)),
            retrying=Count("pk", filter=Q(next_attempt_at__gt=now, attempts__gt=0)),
        )
        yield GaugeMetricFamily(
            "infoview_reminders_due",
            "Reminder emails whose time has come and that are not sent yet.",
            value=figures["total"],
        )
        oldest = figures["oldest"]
        yield GaugeMetricFamily(
            "infoview_reminders_oldest_due_age_seconds",
            "How long the oldest unsent due reminder has been due (0 when none is).",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        outbox = GaugeMetricFamily(
            "infoview_outbox_depth",
            "Due emails not sent yet, by where they wait: for the beat to claim them "
            "(waiting_for_beat), on the broker for a worker (queued), or for a retry after an "
            "SMTP error (retrying).",
            labels=["stage"],
        )
        for stage in ("waiting", "queued", "retrying"):
            outbox.add_metric(["waiting_for_beat" if stage == "waiting" else stage], figures[stage])
        yield outbox

    def _imports(self):
        family = GaugeMetricFamily(
            "infoview_import_jobs", "Contact import jobs by status.", labels=["status"]
        )
        counts = dict(
            ImportJob.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in ImportJob.Status.values:
            family.add_metric([status], counts.get(status, 0))
        return family

    def _queue(self):
        queue = app.conf.task_default_queue
        up = GaugeMetricFamily("infoview_broker_up", "1 when the broker answered this scrape.")
        try:
            with app.connection_for_read() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
                # On Redis this is LLEN of the queue's lists (one per priority step).
                declared = connection.default_channel.queue_declare(queue=queue, passive=True)
                length = declared.message_count
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = GaugeMetricFamily(
            "infoview_celery_queue_length",
            "Tasks waiting on the broker for a worker.",
            labels=["queue"],
        )
        family.add_metric([queue], length)
        yield family


def registry() -> CollectorRegistry:
    collected = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(collected)
    else:
        collected.register(REQUEST_LATENCY)
        collected.register(REQUESTS)
    collected.register(TimedWorkCollector())
    return collected


def _allowed(request) -> bool | None:
    """True or False for a configured page; None when the page is off."""
    token = settings.METRICS_TOKEN
    networks = settings.METRICS_ALLOWED_ADDRESSES
    if not token and not networks:
        return None
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if networks:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
    return False


@never_cache
@require_GET
def metrics(request):
    allowed = _allowed(request)
    if allowed is None:
        raise Http404("Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES.")
    if not allowed:
        response = HttpResponse("A valid bearer token is needed.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
