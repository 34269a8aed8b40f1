"""The calendar feed's first fetch after a change: ``python -m bench.feed``.

`make bench` times the feed through gunicorn as a calendar app meets it: a fetch with no change
since the last one (the file kept in the shared cache) and a poll with its validator (304).
This measures the third case, in this process on the scale workspace of ``seed_scale`` (run
``make bench`` first): the workspace's data changes before every fetch, so each one reads the
rows and writes the whole file. Beside it, the floor page (the password-change page) in the
same process, so the ratio holds on a busy machine. CPU time is this thread's; both with
DEBUG off, as production runs.
"""

# Django is set up before the project's modules are imported, hence E402 here.
# ruff: noqa: E402

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")
django.setup()

from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User, Workspace
from accounts.versions import data_changed
from bench.run import busiest_recruiter
from infoview.management.commands.seed_scale import ADMIN_EMAIL, SLUG
from interviews.models import CalendarToken
from interviews.services import calendar_token_regenerate

FETCHES = 21


def _timed(fetch, before=None) -> tuple[float, float, int]:
    cpu, wall, size = [], [], 0
    for _ in range(FETCHES):
        if before:
            before()
        started_cpu, started = time.thread_time(), time.perf_counter()
        response = fetch()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return statistics.median(cpu), statistics.median(wall), size


def main() -> int:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is None:
        print(f"no workspace {SLUG!r} here: run `make bench` (it seeds it) first")
        return 1
    busiest = busiest_recruiter(workspace)  # as `make bench` picks it
    token = (
        CalendarToken.objects.filter(user=busiest, revoked_at__isnull=True).first()
        or calendar_token_regenerate(user=busiest)
    ).token
    feed = reverse("calendar:feed", kwargs={"token": token})
    anonymous, member = Client(), Client()
    member.force_login(User.objects.get(email=ADMIN_EMAIL))
    floor = reverse("accounts:password_change")
    for _ in range(3):  # warm the caches and the connection
        member.get(floor)
        anonymous.get(feed)

    floor_cpu, floor_wall, _ = _timed(lambda: member.get(floor))
    kept_cpu, kept_wall, _ = _timed(lambda: anonymous.get(feed))
    fresh_cpu, fresh_wall, size = _timed(
        lambda: anonymous.get(feed), before=lambda: data_changed(workspace_id=workspace.pk)
    )
    print(f"the feed of {busiest.email}: {size / 1024:.0f} KB; median of {FETCHES}, in-process")
    print(f"{'':42} {'CPU ms':>7} {'wall ms':>8} {'CPU x floor':>12} {'wall x floor':>13}")
    for name, cpu, wall in (
        ("floor page", floor_cpu, floor_wall),
        ("feed, no change since the last fetch", kept_cpu, kept_wall),
        ("feed, first fetch after a change", fresh_cpu, fresh_wall),
    ):
        print(f"{name:42} {cpu:7.1f} {wall:8.1f} {cpu / floor_cpu:12.2f} {wall / floor_wall:13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
