"""What a process on a developer's machine needs before Django reads its settings.

With DEBUG on and no DATABASE_URL, the settings name the private PostgreSQL under the var folder
(``infoview/localdb.py``); with no CELERY_BROKER_URL, kombu's file broker in folders there.
Importing the settings starts or makes none of it: the entry points call ``prepare()`` first.
They are ``manage.py``, ``make run``'s supervisor (``infoview/run.py``), the test session
(``infoview/testing/pytest_plugin.py``), a Celery worker or beat as it loads its configuration
(``infoview/celery.py``), and ``wsgi.py``/``asgi.py``. With DEBUG off, ``prepare()`` does nothing:
production names its own servers, and the settings refuse to start without them.
"""

from pathlib import Path

from infoview import localdb
from infoview.env import env, env_bool, var_dir

FILE_BROKER_URL = "filesystem://"

_prepared: set[tuple] = set()


def uses_file_broker() -> bool:
    return env("CELERY_BROKER_URL") in {"", FILE_BROKER_URL}


def broker_folders(root: Path | None = None) -> dict[str, Path]:
    """The file broker's folders, by the name of the transport option that points at each."""
    celery = (root or var_dir()) / "celery"
    return {
        "queue": celery / "queue",
        "processed": celery / "processed",
        "control": celery / "control",
    }


def prepare() -> None:
    """Start the private PostgreSQL and make the file broker's folders, when the settings use them.

    Safe to call from every entry point, as often as they like: it does the work once per
    process (per environment), and the server's own lock keeps processes from racing.
    """
    if not env_bool("DEBUG", True):
        return
    key = (env("DATABASE_URL"), env("CELERY_BROKER_URL"), str(var_dir()))
    if key in _prepared:
        return
    if not env("DATABASE_URL"):
        localdb.ensure_running(localdb.default_root())
    if uses_file_broker():
        for folder in broker_folders().values():
            folder.mkdir(parents=True, exist_ok=True)
    _prepared.add(key)
