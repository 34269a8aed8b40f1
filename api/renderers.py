import json

from django.core.serializers.json import DjangoJSONEncoder


def render_json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
