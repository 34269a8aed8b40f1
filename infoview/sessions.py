"""Sessions: Django's cached_db store, with a log-in's new session written once.

Django's ``login()`` gives the session a new key (``cycle_key``), which for a visitor without a
session yet asks the cache and the database whether a random key is taken, INSERTs the empty
session under it, and lets the response UPDATE it with the signed-in user: three statements and
three cache round trips for one row. Here the key is drawn, the row is written once at the end of
the request (``SessionMiddleware``), and the INSERT itself refuses a key that is taken (``create``
draws another), as Django's own ``create`` relies on already.
"""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string


class SessionStore(cached_db.SessionStore):
    _unsaved = False  # a key drawn by cycle_key whose row is not written yet

    def _get_new_session_key(self):
        # 32 characters of 36 (165 bits): never expected to be taken, and an INSERT with
        # must_create refuses one that is (CreateError), on which create() draws again.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        if self.session_key is not None:
            return super().cycle_key()
        # Nothing stored under any key yet (a visitor logging in): no row to copy or delete.
        data = self._session
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._unsaved = True
        self.modified = True
        return None

    def save(self, must_create=False):
        if not self._unsaved:
            return super().save(must_create)
        self._unsaved = False
        try:
            return super().save(must_create=True)
        except CreateError:
            return self.create()  # the key drawn was taken: another, the same data
