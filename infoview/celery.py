import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import worker_init

from infoview import local

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infoview.settings")

app = Celery("infoview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _prepare_local_services(sender, **kwargs):
    # Sent just before Celery first reads the settings: for a worker or beat started on its own
    # (`celery -A infoview worker`), before Django has read them too. In manage.py, the web
    # process and the tests this has already been done, and costs nothing.
    local.prepare()


@worker_init.connect
def _warm_up(sender=None, **kwargs):
    # Sent in the worker's main process before its pool forks: what each task process would
    # otherwise load on its first task (half a second on a fast machine, most of it importing
    # every app's views for the URL resolver: a reminder's links are reversed), loaded once
    # and shared by every process of the pool.
    from infoview.warmup import warm_up

    warm_up()


class BeatScheduler(PersistentScheduler):
    """Celery's file-backed schedule, which first makes the folder its file lives in."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
