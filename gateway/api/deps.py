"""What endpoints are given: the process's `ApiContext` and read sessions on the store.

Endpoints take `ctx: ApiContext = Depends(get_context)`; tests swap `get_context` (or any other
dependency) through `app.dependency_overrides`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from gateway.api.errors import ServiceUnavailable
from gateway.api.keystore import KeyStore
from gateway.api.metrics import ApiMetrics
from gateway.api.ratelimit import RateLimiter
from gateway.api.settings import ApiSettings
from gateway.core.clock import Clock
from gateway.flow.policy import RegionConfig
from gateway.flow.service import FlowService
from gateway.store.engine import Database

__all__ = ["ApiContext", "Context", "get_context", "read_session"]


@dataclass
class ApiContext:
    """Everything one API process holds: the store, the region and its flow, the key cache, the limiter.

    The dashboard is handed the same object by `gateway.server`; what it may use of it is declared in
    `gateway.web.context.DashboardContext` (so the dashboard does not import this module)."""

    db: Database
    settings: ApiSettings
    clock: Clock
    keys: KeyStore
    limiter: RateLimiter
    metrics: ApiMetrics
    region: RegionConfig | None = None
    flow_service: FlowService | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def flow(self) -> FlowService:
        """The region's flow; 503 when this process was started without a region."""
        if self.flow_service is None:
            raise ServiceUnavailable("this gateway process has no region configured, so the flow is not available")
        return self.flow_service


async def get_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Context = Annotated[ApiContext, Depends(get_context)]
"""The endpoint parameter type that receives the process's context."""


def read_session(db: Database) -> AbstractContextManager[Session]:
    """A session for reading (`Database.read_session`: on SQLite it begins DEFERRED)."""
    return db.read_session()
