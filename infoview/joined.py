"""A row and the rows joined to it, read by one hand-written statement into model instances.

What ``select_related`` gives, without its cost: on the contact and interview pages the ORM
spent 3-4 ms of CPU building and compiling the one-row lookup of the page's object and its
joined rows (a hundred columns), against ~0.3 ms for PostgreSQL and psycopg2 to answer it. The
statement here is written once, at import; the instances are made as the ORM makes them
(``Model.from_db``, each field's database converters), from the same values.
"""

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Model


def columns(model: type[Model], alias: str) -> str:
    """``alias."column", ...`` for every concrete field of ``model``, in the model's order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def instances(models: Sequence[type[Model]], row: Sequence) -> list[Model | None]:
    """One instance per model from ``row``, which holds each model's ``columns`` in turn; None
    for a model whose primary key is NULL (a LEFT JOIN that found nothing)."""
    made, start = [], 0
    for model in models:
        names, pk_at, converters = _reading(model)
        values = list(row[start : start + len(names)])
        start += len(names)
        if values[pk_at] is None:
            made.append(None)
            continue
        for i, col, functions in converters:
            for function in functions:
                values[i] = function(values[i], col, connection)
        made.append(model.from_db(connection.alias, names, values))
    return made


@cache
def _reading(model: type[Model]) -> tuple[list[str], int, list[tuple]]:
    """The attribute names, where the primary key is, and the database converters by position
    (as the ORM's compiler finds them: the backend's, then the field's)."""
    fields = model._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.cached_col
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((i, col, functions))
    return [field.attname for field in fields], fields.index(model._meta.pk), converters
