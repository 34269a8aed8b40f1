import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


def render_json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def json_response(data, *, status: int = 200) -> HttpResponse:
    """What ninja answers for ``data``, without validating it against the response schema
    first: for a list whose rows are built to the schema's shape already (and tested so)."""
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
