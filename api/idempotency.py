"""``Idempotency-Key`` on POST: a retried create makes one row.

The operation calls ``claim`` once it knows the caller's workspace, before it writes. A new
key claims a row; a key already answered returns the stored answer (``Replay``); the same key
with a different request is refused (422), and one still running gets 409. The view wrapper
``remember`` stores the answer once the operation has run (server errors release the key, so a
retry may try again).
"""

import functools
import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from api.models import IdempotencyRecord
from api.problems import ApiProblem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Keys are kept this long; a retry after that is a new request.
KEEP_FOR = timedelta(hours=24)


class Replay(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__("replay")
        self.response = response


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def claim(request, membership) -> None:
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApiProblem(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
    lookup = {"user_id": membership.user_id, "workspace_id": membership.workspace_id, "key": key}
    request_hash = _request_hash(request)
    IdempotencyRecord.objects.filter(**lookup, created_at__lt=timezone.now() - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                **lookup, method=request.method, path=request.path[:500], request_hash=request_hash
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(**lookup).first()
        if record is None:  # released by a failed first attempt meanwhile
            raise ApiProblem(
                409, "A request with this key was just retried; retry again."
            ) from None
        if record.request_hash != request_hash:
            raise ApiProblem(
                422, f"This {HEADER} was used for a different request; use a new key."
            ) from None
        if record.status_code is None:
            raise ApiProblem(409, f"A request with this {HEADER} is still running.") from None
        response = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replayed"] = "true"
        raise Replay(response) from None
    request._idempotency_record = record


def remember(run):
    """View decorator: store the answer of a claimed request, or release the claim."""

    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        record = getattr(request, "_idempotency_record", None)
        if record is not None:
            if response.status_code >= 500 or response.status_code in {409, 429}:
                record.delete()
            else:
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.body = response.content
                record.save(update_fields=["status_code", "content_type", "body"])
        return response

    return wrapped
