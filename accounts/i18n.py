"""The language a user reads: their choice in Account settings, else the site's default.

Emails go out from Celery workers and other users' requests, where no browser says anything,
so they are rendered inside ``translation.override(language_of(user))``.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def language_of(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user):
    with translation.override(language_of(user)):
        yield
