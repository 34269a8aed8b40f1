"""Paginated lists: what every one needs besides Django's Paginator, and keyset pages."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.shortcuts import render
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _


def query_without_page(request) -> str:
    """The request's query string minus ``page`` (and the keyset cursors ``after`` and
    ``before``), for links to the other pages of a list."""
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return query.urlencode()


def bad_cursor(request):
    """The answer to a page link that was damaged or edited by hand: a 400 that says so."""
    message = _("This page link is damaged or out of date. Start again from the first page.")
    return render(request, "400.html", {"message": message}, status=400)


# Keyset ("seek") pagination for the big lists.
#
# ``?page=400`` made PostgreSQL read and throw away 19,950 rows to show 50, and a row added
# while someone reads moved every later row one page on. A keyset page starts after (or before)
# the last row the reader saw instead: ``WHERE (key1, key2, pk) > (the last row's values)``,
# an index walk whatever the depth, and stable under inserts. The cursor is that row's sort key,
# with a MAC (so a hand-edited link is refused rather than sent to the database), url-safe.
#
# The lists show "Previous" and "Next" and the number of rows; there is no "page n of m" and
# no jumping to page 400: nobody looks for a person by page number, they search or filter.


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None  # the cursor of the page after this one, if any
    previous_cursor: str | None  # the cursor of the page before, if any
    first: bool  # the first page (no cursor given)
    count: int | None = None  # how many rows the whole list has, when the caller counts them

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


class BadCursor(ValueError):
    pass


_SALT = "infoview.pagination.keyset"


def _mac(payload: str) -> str:
    # 96 bits of HMAC-SHA256: a forged cursor is refused; the link stays short (it is repeated
    # in every list page's Previous and Next).
    digest = salted_hmac(_SALT, payload, algorithm="sha256").digest()[:12]
    return base64.urlsafe_b64encode(digest).decode()


def _encode(values: list) -> str:
    raw = json.dumps(
        [v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":")
    )
    payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"{payload}.{_mac(payload)}"


def _decode(cursor: str, keys: list["Key"]) -> list:
    payload, _dot, mac = cursor.rpartition(".")
    if not payload or not constant_time_compare(mac, _mac(payload)):
        raise BadCursor(cursor)
    try:
        values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            raise BadCursor(cursor)
        return [key.parse(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError) as error:
        raise BadCursor(cursor) from error


@dataclass(frozen=True)
class Key:
    """One sort key of a keyset list: a field or annotation that is never NULL."""

    name: str
    descending: bool = False
    parse: Callable = int

    def value(self, row):
        return getattr(row, self.name)


def _seek(keys: list[Key], values: list, *, forward: bool) -> Q:
    """Rows after (``forward``) or before the row whose sort key is ``values``."""
    condition = Q(pk__in=[])
    for index, key in enumerate(keys):
        smaller = key.descending == forward  # the rows wanted have smaller values of this key
        step = Q(**{f"{key.name}__{'lt' if smaller else 'gt'}": values[index]})
        for previous, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{previous.name: value})
        condition |= step
    return condition


def _order(keys: list[Key], *, forward: bool) -> list:
    return [F(key.name).desc() if key.descending == forward else F(key.name).asc() for key in keys]


def keyset_page(
    queryset,
    *,
    keys: list[Key],
    after: str = "",
    before: str = "",
    size: int,
    fetch: Callable[[QuerySet], list] = list,
):
    """One page of ``queryset`` in the order of ``keys`` (the last one unique, e.g. the pk),
    starting after the cursor ``after`` or ending before ``before``. Raises ``BadCursor``.

    ``fetch`` reads the rows of the page's query (one more than ``size``, in order): a list may
    take them from elsewhere, e.g. a cache, as long as they are the ones the query returns."""

    def read(values: list | None, forward: bool, limit: int) -> list:
        query = queryset.order_by(*_order(keys, forward=forward))
        if values is not None:
            query = query.filter(_seek(keys, values, forward=forward))
        return fetch(query[:limit])

    return keyset_read(read, keys=keys, after=after, before=before, size=size)


def keyset_read(
    read: Callable[[list | None, bool, int], list],
    *,
    keys: list[Key],
    after: str = "",
    before: str = "",
    size: int,
) -> KeysetPage:
    """``keyset_page`` for a list read by a statement of its own rather than a queryset.

    ``read(values, forward, limit)`` returns at most ``limit`` rows after (``forward``) or
    before the row whose sort key is ``values`` (None: from the first row), in the order of
    ``keys`` read forward or backward; ``seek_sql`` writes its condition and order."""
    if before:
        rows = read(_decode(before, keys), False, size + 1)
    else:
        rows = read(_decode(after, keys) if after else None, True, size + 1)
    return keyset_page_of_rows(rows, keys=keys, after=after, before=before, size=size)


def keyset_page_of_rows(rows: list, *, keys: list[Key], after: str, before: str, size: int):
    """The page ``keyset_page`` makes of the rows its query returned (``size`` + 1 at most, in
    the query's order: backwards from ``before`` when it is given), for a list that knows them
    without the query."""
    if before:
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows,
            next_cursor=_encode([k.value(rows[-1]) for k in keys]) if rows else after or None,
            previous_cursor=_encode([k.value(rows[0]) for k in keys]) if more_before else None,
            first=False,
        )
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        next_cursor=_encode([k.value(rows[-1]) for k in keys]) if more_after else None,
        previous_cursor=_encode([k.value(rows[0]) for k in keys]) if after and rows else None,
        first=not after,
    )


def seek_sql(
    columns: list[str], *, descending: bool, forward: bool, marks: list[str] | None = None
) -> tuple[str, str]:
    """For ``keyset_read``, keys that all sort the same way: the condition on ``columns`` (SQL
    expressions, compared as a row with the cursor's values, the parameters ``marks``: ``%s``
    each unless named) and the direction of the ORDER BY, reading forward or backward. A row
    comparison is an index condition."""
    smaller = descending == forward  # the rows wanted have smaller sort keys
    marks = marks or ["%s"] * len(columns)
    condition = f"({', '.join(columns)}) {'<' if smaller else '>'} ({', '.join(marks)})"
    return condition, "DESC" if smaller else "ASC"
