"""The composition root: the one ASGI app `woonbrug serve` runs, the API with the dashboard beside it.

The API (`gateway.api`) and the dashboard (`gateway.web`) do not know each other; this module is the one
place that puts them together. The dashboard shares the API's context (store, region, clock, key store,
metrics) and is the outermost middleware: `/` and `/dashboard...` go to it, everything else to the API
(see `gateway.web.app.DashboardDispatch` for why it is a sibling rather than a mounted sub-app).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from gateway.api.app import create_app
from gateway.api.deps import ApiContext
from gateway.api.settings import ApiSettings
from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.core.settings import Settings
from gateway.flow.parameters import ParameterTable
from gateway.flow.policy import RegionConfig
from gateway.flow.service import FlowService
from gateway.store.engine import Database
from gateway.web.app import DashboardDispatch, create_dashboard
from gateway.web.settings import WebSettings

__all__ = ["create_gateway_app"]


def create_gateway_app(
    db: Database | Settings | str,
    region: RegionConfig | None = None,
    *,
    flow: FlowService | None = None,
    settings: ApiSettings | None = None,
    web_settings: WebSettings | None = None,
    clock: Clock = SYSTEM_CLOCK,
    parameters: ParameterTable | None = None,
    monotonic: Callable[[], float] | None = None,
) -> FastAPI:
    """The API app (`gateway.api.app.create_app`, same arguments) with the dashboard in front of it."""
    app = create_app(db, region, flow=flow, settings=settings, clock=clock, parameters=parameters, monotonic=monotonic)
    context: ApiContext = app.state.context
    # Outermost of all: `/dashboard` is served beside the API, with its own rules (see gateway.web.app).
    app.add_middleware(DashboardDispatch, dashboard=create_dashboard(context, web_settings))
    return app
