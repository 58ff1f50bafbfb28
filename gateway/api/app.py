"""The API's app factory: `create_app(...)` builds a FastAPI app around what it is given, nothing global.

Importing this module does no I/O; `create_app` opens nothing either (engines connect on first use).
Everything an endpoint needs hangs on `app.state.context` (`gateway.api.deps.ApiContext`), and every
dependency can be swapped in tests through `app.dependency_overrides`.

Layers (the rule for every resource package under gateway/api/): `endpoints` parse and authorise and
shape the answer; `service` holds the rules (who may see what, what the flow is asked); `repository`
holds the queries, each filtered to the caller's tenant; `schemas` are the request and answer models.
Errors are raised as `gateway.api.errors.ApiError` subclasses and become problem+json in that one
module; nothing else builds an error response.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.api.auth import SECURITY, SECURITY_SCHEMES
from gateway.api.deps import ApiContext
from gateway.api.errors import Problem, ProblemMiddleware, install_error_handlers
from gateway.api.keystore import KeyStore
from gateway.api.metrics import ApiMetrics
from gateway.api.middleware import GatewayMiddleware
from gateway.api.ratelimit import RateLimiter
from gateway.api.settings import ApiSettings
from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.core.settings import Settings
from gateway.flow.parameters import ParameterTable, default_parameter_table
from gateway.flow.policy import RegionConfig
from gateway.flow.service import FlowService
from gateway.store.engine import Database

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"

DESCRIPTION = """\
The HTTP face of Woonbrug, the neutral gateway for regional social-housing allocation.

Resources are named as VERA WRV names them. Every call needs an API key (`Authorization: Bearer wbk_...`
or `X-API-Key`); a key belongs to one tenant (a corporation, a seekers' portal, a municipality or an
administrator) and holds scopes. Another tenant's objects are answered with 404. Errors are RFC 9457
problem documents (`application/problem+json`).
"""


def _routers() -> list[APIRouter]:
    from gateway.api.aanbiedingen.endpoints import router as aanbiedingen
    from gateway.api.admin.endpoints import router as admin
    from gateway.api.berichten.endpoints import router as berichten
    from gateway.api.inschrijvingen.endpoints import router as inschrijvingen
    from gateway.api.kandidaten.endpoints import router as kandidaten
    from gateway.api.publicaties.endpoints import router as publicaties
    from gateway.api.reacties.endpoints import router as reacties
    from gateway.api.toewijzingen.endpoints import router as toewijzingen
    from gateway.api.webhooks.endpoints import router as webhooks

    return [
        publicaties,
        inschrijvingen,
        reacties,
        kandidaten,
        aanbiedingen,
        toewijzingen,
        berichten,
        webhooks,
        admin,
    ]


def create_app(
    db: Database | Settings | str,
    region: RegionConfig | None = None,
    *,
    flow: FlowService | None = None,
    settings: ApiSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    parameters: ParameterTable | None = None,
    monotonic: Callable[[], float] | None = None,
) -> FastAPI:
    """A FastAPI app on `db` (a Database, the gateway's Settings, or a database URL).

    With a `region`, the flow endpoints work through `flow` (made for the region when not given);
    without one they answer 503 and the read endpoints still work. The API alone: `gateway.server`
    composes it with the dashboard.
    """
    database = db if isinstance(db, Database) else Database(db.database_url if isinstance(db, Settings) else db)
    settings = settings or ApiSettings()
    if flow is None and region is not None:
        flow = FlowService(database, region, parameters=parameters or default_parameter_table(), clock=clock)
    if flow is not None and region is None:
        region = flow.region
    extra: dict[str, Any] = {"clock": monotonic} if monotonic is not None else {}
    metrics = ApiMetrics(database)
    context = ApiContext(
        db=database,
        settings=settings,
        clock=clock,
        keys=KeyStore(database, ttl=settings.key_cache_seconds, size=settings.key_cache_size, **extra),
        limiter=RateLimiter(settings.rate_per_second, settings.rate_burst, **extra),
        metrics=metrics,
        region=region,
        flow_service=flow,
    )

    app = FastAPI(
        title="Woonbrug API",
        version=_version(),
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # served below from local files: no CDN
        redoc_url=None,
    )
    _serve_docs(app)
    app.state.context = context
    install_error_handlers(app)
    for router in _routers():
        app.include_router(router, prefix=API_PREFIX)
    from gateway.api.health.endpoints import router as health

    app.include_router(health)
    # Added last = outermost: the gateway middleware sees the final status, even of a caught crash.
    app.add_middleware(ProblemMiddleware)
    app.add_middleware(
        GatewayMiddleware,
        metrics=metrics,
        max_body_bytes=settings.max_body_bytes,
        access_log=settings.access_log,
    )
    _document_problems(app)
    return app


def _serve_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the files fastapi-offline ships, so the docs work offline and leak nothing."""
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Woonbrug API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("woonbrug")
    except PackageNotFoundError:
        return "0+unknown"


def _document_problems(app: FastAPI) -> None:
    """The OpenAPI document with the `Problem` schema that every error response refers to."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
            for path, operations in schema.get("paths", {}).items():
                if path.startswith(API_PREFIX):
                    for operation in operations.values():
                        operation["security"] = SECURITY
            components = schema["components"].setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the schema
