"""Server-Timing for `make bench`: CPU time and SQL queries per request, measured in the server.

Wall time on a shared machine says more about the neighbours than about the page; the CPU time
of the request's own thread and the number of queries it sent do not. Turned on by
``SERVER_TIMING=true`` (bench/run.py sets it); off in production, where it would tell any
visitor how much work a page takes.
"""

import os
import time

from django.db import connections


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.thread_time()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        cpu_ms = (time.thread_time() - started) * 1000
        response["Server-Timing"] = f'cpu;dur={cpu_ms:.2f}, sql;desc="{counter.count}"'
        return response


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user and system) that process ``pid`` of this machine has used, from /proc,
    or None where it cannot be read. For the benches, which give a PostgreSQL backend's CPU
    beside their own: a figure that a busy machine does not inflate as it does wall time."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
