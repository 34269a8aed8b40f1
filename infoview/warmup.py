"""Loading ahead what a process would otherwise load on its first request or task."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def warm_up() -> None:
    """Import every URLconf (and with them the views) and fill the URL resolver, and read
    each language's translations: what a Celery worker's task process otherwise does on its
    first task. Called before a pool forks, so its processes share it (``infoview.celery``)."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")  # fills the resolver for this language, on the first call
