"""The request pipeline around every endpoint, as one plain ASGI middleware (no per-request task or copy):

- a request id (`X-Request-ID`, taken when well-formed, else made) on the response and in the logs;
- query strings: a parameter given more than once is refused with 422 (no operation takes a list, and
  silently keeping one of the values would act on a request the caller did not mean);
- request bodies: refused with 413 above `max_body_bytes` (by Content-Length, or while reading a body
  without one, which is then buffered and handed on), and with 415 when a non-empty body is not JSON;
- after the answer: the request counter and latency histogram by route template, and one access-log
  line (method, route template, status, duration, key id) — never the path's query or the body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.api.auth import PRINCIPAL_SCOPE_KEY
from gateway.api.errors import (
    ApiError,
    PayloadTooLarge,
    ProblemError,
    Unprocessable,
    UnsupportedMediaType,
    problem_response,
)
from gateway.api.metrics import ApiMetrics

__all__ = ["GatewayMiddleware"]

access_log = logging.getLogger("woonbrug.api.access")

_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")
_JSON_TYPE = re.compile(rb"^application/([a-z0-9.+-]*\+)?json\s*(;.*)?$", re.IGNORECASE)
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class GatewayMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics, max_body_bytes: int, access_log: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.log_access = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = b""
        content_length: int | None = None
        content_type = b""
        chunked = False
        for name, value in scope["headers"]:
            if name == b"x-request-id" and _REQUEST_ID.match(value):
                request_id = value
            elif name == b"content-length":
                content_length = int(value) if value.isdigit() else -1
            elif name == b"content-type":
                content_type = value
            elif name == b"transfer-encoding":
                chunked = True
        if not request_id:
            request_id = uuid.uuid4().hex.encode()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        try:
            error: ApiError | None = _repeated_query_parameters(scope.get("query_string", b""))
            if error is None:
                error, receive = await self._check_body(scope["method"], content_length, content_type, chunked, receive)
            if error is not None:
                await problem_response(error, scope.get("path", ""))(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            template = _template(scope)
            method = scope["method"]
            self.metrics.observe(method, template, status, seconds)
            if self.log_access and access_log.isEnabledFor(logging.INFO):
                principal = scope.get(PRINCIPAL_SCOPE_KEY)
                access_log.info(
                    "%s %s %d %.1fms",
                    method,
                    template,
                    status,
                    seconds * 1000,
                    extra={
                        "request_id": request_id.decode(),
                        "method": method,
                        "route": template,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                        "key_id": getattr(principal, "key_id", None),
                        "tenant": getattr(principal, "tenant", None),
                    },
                )

    async def _check_body(
        self, method: str, content_length: int | None, content_type: bytes, chunked: bool, receive: Receive
    ) -> tuple[ApiError | None, Receive]:
        """The body's problem (too large, not JSON), else None and a receive that replays the read body."""
        if content_length is not None and content_length > self.max_body_bytes:
            return PayloadTooLarge(f"the request body is larger than {self.max_body_bytes} bytes"), receive
        if content_length == -1:
            return PayloadTooLarge("the Content-Length header is not a number"), receive
        if method not in _METHODS_WITH_BODY or not (chunked or content_length):
            return None, receive
        body, too_large = await self._read_body(receive)
        if too_large:
            return PayloadTooLarge(f"the request body is larger than {self.max_body_bytes} bytes"), receive
        if body and not _JSON_TYPE.match(content_type.strip()):
            return UnsupportedMediaType("request bodies are JSON (Content-Type: application/json)"), receive
        return None, _replay(body)

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks), False


def _repeated_query_parameters(query: bytes) -> Unprocessable | None:
    """422 naming every query parameter that appears more than once, else None."""
    if not query or b"&" not in query:
        return None
    counts = Counter(name for name, _value in parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if not repeated:
        return None
    errors = [
        ProblemError(loc=f"query.{name[:100]}", msg=f"given {counts[name]} times; give it once", type="repeated")
        for name in repeated
    ]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Unprocessable(f"the query parameter {repeated[0][:100]!r} is given more than once{more}", errors=errors)


def _template(scope: Scope) -> str:
    """The matched route as a template (`/api/v1/publicaties/{publicatie_id}`), from the path and its
    parameters, so ids never become label values; `unmatched` when no route took the request."""
    if scope.get("route") is None:
        return "unmatched"
    params = scope.get("path_params") or {}
    if not params:
        return str(scope["path"])
    names = {str(value): name for name, value in params.items()}
    return "/".join(f"{{{names[part]}}}" if part in names else part for part in str(scope["path"]).split("/"))


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
