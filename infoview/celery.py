import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import worker_init

from infoview import local
from infoview.warmup import warm_up

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
    # Sent in the worker's main process, after it imported every app's tasks and before its
    # pool forks: the URL resolver filled (a reminder's links are reversed) and each language's
    # translations read once there, shared by every process of the pool, where each process
    # did it on its first task (bench/profiles.md, "Reminder delivery, seventh pass").
    warm_up()


class BeatScheduler(PersistentScheduler):
    """Celery's file-backed schedule, which first makes the folder its file lives in."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
