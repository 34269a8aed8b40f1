"""Cursor pagination: keyset on the list's sort keys plus the id, stable under inserts.

A cursor is the last row's sort values, opaque to clients (base64 JSON). The next page is
``WHERE (k1, k2, …, id) > (v1, v2, …, id)`` written out per key, each key ascending or
descending; every key is non-null (lists annotate a non-null stand-in for a nullable column),
so rows added or removed elsewhere in the list never shift or repeat a page.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from api.problems import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Key:
    name: str  # a field or an annotation of the queryset
    desc: bool = False
    kind: str = "str"  # str, int, float, datetime


def _encode_value(value, kind):
    return value.isoformat() if kind == "datetime" else value


def _decode_value(value, kind):
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(value)
        return value
    if kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(value)
        return float(value)
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def encode_cursor(row, keys: list[Key]) -> str:
    """``row`` is a model object or a dict (a row of ``.values()``)."""
    if isinstance(row, dict):
        values = [_encode_value(row[key.name], key.kind) for key in keys]
    else:
        values = [_encode_value(getattr(row, key.name), key.kind) for key in keys]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[Key]) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(values)
        return [_decode_value(v, key.kind) for v, key in zip(values, keys, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiProblem(400, "That cursor is not one this list gave out.") from error


def _after(keys: list[Key], values: list) -> Q:
    condition = Q(pk__in=[])
    for index, key in enumerate(keys):
        step = Q(**{f"{key.name}__{'lt' if key.desc else 'gt'}": values[index]})
        for earlier, value in zip(keys[:index], values[:index], strict=True):
            step &= Q(**{earlier.name: value})
        condition |= step
    return condition


def ordering(keys: list[Key]) -> list[str]:
    return [f"-{key.name}" if key.desc else key.name for key in keys]


def paginate(
    queryset: QuerySet,
    keys: list[Key],
    *,
    cursor: str | None,
    limit: int,
    fetch: Callable[[QuerySet], list] = list,
) -> dict:
    """One page: ``{"items": [...], "next_cursor": str | None}``. ``keys`` end with the id.

    ``fetch`` reads the rows of the page's query (one more than ``limit``, in order): a list may
    take them from elsewhere, e.g. a cache, as long as they are the ones the query returns."""
    rows = queryset.order_by(*ordering(keys))
    if cursor:
        rows = rows.filter(_after(keys, decode_cursor(cursor, keys)))
    return page_of_rows(fetch(rows[: limit + 1]), keys, limit=limit)


def page_of_rows(items: list, keys: list[Key], *, limit: int) -> dict:
    """The page ``paginate`` makes of the rows its query returned (``limit`` + 1 at most, in
    order), for a list that knows them without the query."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(items[-1], keys) if more else None}
