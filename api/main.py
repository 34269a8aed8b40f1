"""The REST API, version 1: ``/api/v1/``, its OpenAPI 3.1 document and its docs page."""

import functools

from django.conf import settings
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from api import idempotency, problems
from api.access import SessionAuth, TokenAuth
from api.schemas import has_nul


class LocalSwagger(DocsBase):
    """Swagger UI from django-ninja's own static files, with the page's CSP nonce."""

    def render_page(self, request, api, **kwargs):
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)


class InfoviewAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Error answers are problem details (RFC 9457): say so in their media type.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        answer["content"] = {problems.CONTENT_TYPE: content.pop("application/json")}
        return schema


def limit_body(run):
    """Bodies over API_MAX_BODY_BYTES are refused unread (413); NUL in the URL is refused."""

    @functools.wraps(run)
    def wrapped(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problems.problem_response(400, "Content-Length is not a number.")
        if length > settings.API_MAX_BODY_BYTES:
            return problems.problem_response(
                413, f"The body is over {settings.API_MAX_BODY_BYTES} bytes."
            )
        if has_nul(request.path) or any(has_nul(v) for v in request.GET.lists()):
            return problems.problem_response(422, "Text may not contain NUL characters.")
        return run(request, *args, **kwargs)

    return wrapped


api = InfoviewAPI(
    title="Infoview API",
    version="1",
    description=(
        "Contacts, interviews, follow-ups and reports of one workspace. Authenticate with a "
        "personal access token (Account settings → API tokens) as `Authorization: Bearer …`."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(),
)
problems.install(api)


@api.exception_handler(idempotency.Replay)
def _replay(request, exc: idempotency.Replay):
    return exc.response


api.add_decorator(idempotency.remember, mode="view")
api.add_decorator(limit_body, mode="view")

from api.routes import contacts, followups, interviews, me, reports  # noqa: E402

api.add_router("", me.router)
api.add_router("/w/{ws}", contacts.router)
api.add_router("/w/{ws}", interviews.router)
api.add_router("/w/{ws}", followups.router)
api.add_router("/w/{ws}", reports.router)
