"""Every error of the API as an RFC 9457 problem details body (``application/problem+json``)."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.renderers import render_json

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
}


class FieldError(Schema):
    location: str
    message: str
    type: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] | None = None


# Every operation documents these answers besides its own success.
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413, 422, 429), Problem)


class ApiProblem(Exception):
    def __init__(self, status: int, detail: str = "", *, errors=None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.headers = headers or {}


def problem_response(status: int, detail: str = "", *, errors=None, headers=None) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(render_json(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(loc) -> str:
    # ninja puts the source and the parameter's name first: ("body", "payload", "emails", 0).
    parts = [str(p) for p in loc]
    if len(parts) >= 2 and parts[0] == "body":
        parts = parts[2:] or parts[:1]
    elif len(parts) >= 1 and parts[0] in {"query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def field_errors_from_django(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"location": field if field != "__all__" else "body", "message": m, "type": "invalid"}
            for field, messages in error.message_dict.items()
            for m in messages
        ]
    return [{"location": "body", "message": m, "type": "invalid"} for m in error.messages]


def install(api) -> None:
    """Replace ninja's default error bodies with problem details."""

    @api.exception_handler(ApiProblem)
    def _problem(request, exc: ApiProblem):
        return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc: NinjaValidationError):
        errors = [
            {
                "location": _location(e.get("loc", ())),
                "message": e.get("msg", ""),
                "type": e["type"],
            }
            for e in exc.errors
        ]
        return problem_response(422, "The request does not match the schema.", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def _rule(request, exc: DjangoValidationError):
        errors = field_errors_from_django(exc)
        detail = errors[0]["message"] if len(errors) == 1 else "The request breaks these rules."
        return problem_response(422, detail, errors=errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem_response(
            401,
            "Send a personal access token (Authorization: Bearer …) or a session cookie.",
            headers={"WWW-Authenticate": 'Bearer realm="infoview"'},
        )

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return problem_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(404, "No such resource.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem_response(403, str(exc) or "You may not do that.")

    @api.exception_handler(DataError)
    def _out_of_range(request, exc):
        # A number too big for its column, say: the input is wrong, not the server.
        return problem_response(422, "A value is out of range.")

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem_response(500, "Something went wrong on our side.")
