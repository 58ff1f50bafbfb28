"""Every error the API answers with, and the one place where errors become responses.

All errors are RFC 9457 problem documents (`application/problem+json`): `type`, `title`, `status`,
`detail`, `instance`, and for validation errors an `errors` list of located messages. Texts name fields
and ids, never values a person typed (bodies carry personal data) and never a stack trace.

- Code raises an `ApiError` subclass; its class carries the HTTP status, slug and title.
- The flow's refusals (`FlowError`, `IllegalTransition`) are 409 Conflict: a valid request the state
  of the listing or offer does not allow now.
- Request validation errors are 422 with the field paths; malformed JSON is 422 at `body`.
- Anything else is caught by `ProblemMiddleware`, logged without personal data, and answered with a
  plain 500: the client learns nothing about the inside.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.core.logging import log_unhandled, scrub
from gateway.flow.service import FlowError
from gateway.flow.transitions import IllegalTransition

__all__ = [
    "PROBLEM_JSON",
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "InternalError",
    "NotFound",
    "PayloadTooLarge",
    "Problem",
    "ProblemError",
    "ProblemMiddleware",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "install_error_handlers",
    "problem_body",
    "problem_response",
    "problem_responses",
]

log = logging.getLogger("woonbrug.api.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:woonbrug:problem:"


class ProblemError(BaseModel):
    """One located validation message."""

    model_config = ConfigDict(extra="forbid")

    loc: str = Field(description="where: `body.aanvrager.bsn`, `query.pageSize`, `header.Idempotency-Key`")
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="a URI naming the kind of problem, e.g. urn:woonbrug:problem:not-found")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str = Field(description="the path of the request that failed")
    errors: list[ProblemError] | None = None


class ApiError(Exception):
    """Root of the API's errors: the class says status, slug and title; the instance says the detail."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[ProblemError] | None = None,
    ) -> None:
        self.detail = detail or self.title
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors else None
        super().__init__(self.detail)


class BadRequest(ApiError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(ApiError):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str | None = None, *, error: str | None = None) -> None:
        challenge = 'Bearer realm="woonbrug"' + (f', error="{error}"' if error else "")
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(ApiError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(ApiError):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(ApiError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(ApiError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(ApiError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(ApiError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class Unprocessable(ApiError):
    status, slug, title = 422, "validation-error", "Unprocessable content"


class TooManyRequests(ApiError):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"this key made too many requests; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


class InternalError(ApiError):
    pass


class ServiceUnavailable(ApiError):
    status, slug, title = 503, "unavailable", "Service unavailable"


_BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UnsupportedMediaType,
        Unprocessable,
        TooManyRequests,
        InternalError,
        ServiceUnavailable,
    )
}


def problem_body(
    status: int, slug: str, title: str, detail: str, instance: str, errors: Sequence[ProblemError] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    return body


def problem_response(error: ApiError, instance: str) -> Response:
    body = problem_body(error.status, error.slug, error.title, error.detail, instance, error.errors)
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )


def _location(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc]
    return ".".join(parts) if parts else "body"


def validation_problem(exc: RequestValidationError) -> Unprocessable:
    """422 with each error's location and message; the offending input and context are left out."""
    errors = []
    for item in exc.errors():
        msg = str(item.get("msg", "invalid"))
        kind = str(item.get("type", "value_error"))
        if kind == "json_invalid":
            msg = "the body is not valid JSON"
        errors.append(ProblemError(loc=_location(item.get("loc", ())), msg=scrub(msg)[:500], type=kind))
    first = errors[0].loc if errors else "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Unprocessable(f"the request is not valid at {first}{more}", errors=errors)


def _instance(request: Request) -> str:
    return request.url.path


def install_error_handlers(app: FastAPI) -> None:
    """Turn every known error into a problem response (unknown ones: `ProblemMiddleware`)."""

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem_response(exc, _instance(request))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(exc), _instance(request))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:  # FastAPI's "error parsing the body" (not UTF-8, truncated, ...)
            unreadable = Unprocessable(
                "the body could not be read as JSON",
                errors=[ProblemError(loc="body", msg="the body is not valid JSON", type="json_invalid")],
            )
            return problem_response(unreadable, _instance(request))
        cls = _BY_STATUS.get(exc.status_code)
        if cls is None:
            error: ApiError = BadRequest() if exc.status_code < 500 else InternalError()
        else:
            error = cls.__new__(cls)
            ApiError.__init__(error, _http_detail(exc), headers=exc.headers)
        return problem_response(error, _instance(request))

    async def on_flow(request: Request, exc: Exception) -> Response:
        # Flow texts carry ids and codes only (the flow's own rule), never personal data.
        return problem_response(Conflict(scrub(str(exc))), _instance(request))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(FlowError, on_flow)
    app.add_exception_handler(IllegalTransition, on_flow)


def _http_detail(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return "there is nothing at this path"
    if exc.status_code == 405:
        return "this path does not take this method"
    return str(exc.detail) if isinstance(exc.detail, str) else "the request could not be handled"


class ProblemMiddleware:
    """Outermost guard: an exception nobody handled becomes a bare 500 problem, logged without personal data.

    Starlette's own last-resort handler would re-raise after answering, and the server would then log the
    exception with its message; here the message and traceback are scrubbed first, and nothing is re-raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log_unhandled(log, exc, scope)
            if started:
                return  # the answer is half sent; the server closes the connection
            response = problem_response(
                InternalError("the gateway could not handle this request; it has been logged"), scope.get("path", "")
            )
            await response(scope, receive, send)


def problem_responses(
    *statuses: int, also: dict[int | str, dict[str, Any]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problem statuses an operation can answer with (plus `also`)."""
    out: dict[int | str, dict[str, Any]] = dict(also or {})
    for status in statuses:
        cls = _BY_STATUS[status]
        entry: dict[str, Any] = {
            "description": cls.title,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
        out[status] = entry
    return out
