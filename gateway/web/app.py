"""The dashboard app and how it sits beside the API.

`create_dashboard(context)` builds a small FastAPI app for the pages, sharing the API's context (what it
uses of it is `gateway.web.context.DashboardContext`). The composition root (`gateway.server`) adds
`DashboardDispatch` to the API app as its outermost middleware and hands `/` and `/dashboard...`
to the dashboard, everything else to the API. The dashboard is a sibling, not a sub-app, because its
rules differ from the API's: it takes urlencoded forms (the API refuses non-JSON bodies with 415) and
answers errors as Dutch HTML pages, not problem+json.

`DashboardGuard` wraps every dashboard response: security headers (a strict Content-Security-Policy that
allows only the gateway's own script and stylesheet, no framing, no referrer to other sites, no
caching of pages), one access-log line (method, route, status, duration, tenant; never the query, which
may carry ids), the API's request metrics, and a last-resort catch that logs a scrubbed traceback and
shows a plain error page.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.core.logging import log_unhandled
from gateway.web import DASHBOARD_PREFIX
from gateway.web.auth import LoginRequired, PageError, optional_viewer
from gateway.web.context import DashboardContext, RequestMetrics
from gateway.web.render import environment
from gateway.web.session import Signer
from gateway.web.settings import WebSettings

__all__ = ["DashboardDispatch", "DashboardGuard", "WebState", "create_dashboard"]

log = logging.getLogger("woonbrug.web")
access_log = logging.getLogger("woonbrug.web.access")

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass
class WebState:
    signer: Signer
    settings: WebSettings
    templates: Environment


def create_dashboard(context: DashboardContext, settings: WebSettings | None = None) -> FastAPI:
    """The dashboard for the API process whose context is `context`."""
    from gateway.web.routes import router

    settings = settings or WebSettings()
    secret = settings.session_secret.get_secret_value().encode() if settings.session_secret else secrets.token_bytes(32)
    app = FastAPI(title="Woonbrug dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.context = context
    app.state.web = WebState(signer=Signer(secret), settings=settings, templates=environment())
    app.include_router(router)
    app.mount(f"{DASHBOARD_PREFIX}/static", StaticFiles(directory=STATIC), name="static")
    _install_error_pages(app)
    app.add_middleware(DashboardGuard, metrics=context.metrics)
    return app


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    from gateway.web.routes import page

    return page(
        request,
        "error.html",
        request.state.viewer if hasattr(request.state, "viewer") else None,
        http_status=status,
        title=title,
        message=message,
    )


_TITLES = {
    400: "Ongeldige vraag",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Niet toegestaan",
    409: "Niet mogelijk",
    413: "Te groot",
    415: "Niet leesbaar",
}


def _install_error_pages(app: FastAPI) -> None:
    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        from urllib.parse import quote

        return RedirectResponse(f"{DASHBOARD_PREFIX}/inloggen?volgende={quote(exc.next_path, safe='')}", 303)

    async def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        request.state.viewer = await optional_viewer(request)
        return _error_page(request, exc.status, _TITLES.get(exc.status, "Fout"), exc.message)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        request.state.viewer = await optional_viewer(request)
        status = exc.status_code if exc.status_code in _TITLES else 400
        message = (
            "Deze pagina bestaat niet, of u heeft er geen toegang toe."
            if status == 404
            else "Deze vraag kan het dashboard niet beantwoorden."
        )
        return _error_page(request, status, _TITLES[status], message)

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        request.state.viewer = await optional_viewer(request)
        fields = sorted({".".join(str(part) for part in error.get("loc", ())[1:]) for error in exc.errors()})
        message = "Deze waarde klopt niet: " + ", ".join(fields) if fields else "Deze vraag klopt niet."
        return _error_page(request, 400, _TITLES[400], message)

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(PageError, on_page_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)


class DashboardGuard:
    """Security headers, access log, metrics and the last-resort error page around the dashboard."""

    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        sent = False
        static = scope.get("path", "").startswith(f"{DASHBOARD_PREFIX}/static/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                sent = True
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log_unhandled(log, exc, scope)
            if not sent:
                response = HTMLResponse(_CRASH, status_code=500)
                await response(scope, receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched"
            if self.metrics is not None:
                self.metrics.observe(scope["method"], template, status, seconds)
            if access_log.isEnabledFor(logging.INFO) and not static:
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    template,
                    status,
                    seconds * 1000,
                    extra={
                        "method": scope["method"],
                        "route": template,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                        "tenant": scope.get("woonbrug.web.tenant"),
                    },
                )


_CRASH = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Fout - Woonbrug</title>
<link rel="stylesheet" href="/dashboard/static/dashboard.css"></head><body><main class="narrow">
<h1>Er ging iets mis</h1><p>Het dashboard kon deze pagina niet maken. De fout is vastgelegd; probeer het later
opnieuw.</p><p><a href="/dashboard/">Naar het overzicht</a></p></main></body></html>"""


class DashboardDispatch:
    """Outermost middleware of the API app: `/` and `/dashboard...` go to the dashboard."""

    def __init__(self, app: ASGIApp, *, dashboard: ASGIApp) -> None:
        self.app = app
        self.dashboard = dashboard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope.get("path", "")
            if path == "/" or path == DASHBOARD_PREFIX or path.startswith(f"{DASHBOARD_PREFIX}/"):
                await self.dashboard(scope, receive, send)
                return
        await self.app(scope, receive, send)
