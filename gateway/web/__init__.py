"""The dashboard: server-rendered pages for region staff, corporations and municipalities.

It runs in the API's process and shares its context (store, region, key store, clock); `mount_dashboard`
puts it in front of an API app built by `gateway.api.app.create_app`. Pages are plain HTML from Jinja2
templates with one stylesheet and one small script served by the gateway itself (no CDN, no outside
fonts); charts are inline SVG drawn on the server (`gateway.web.charts`).

Who sees what is decided in one place, `gateway.web.access`; the reads are in `gateway.web.repository`,
each filtered to the signed-in tenant. No page shows personal data: seekers appear as inschrijving ids
with household size and passendheid, never with names, BSN, birth dates, income or contact details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DASHBOARD_PREFIX", "mount_dashboard"]

DASHBOARD_PREFIX = "/dashboard"


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard under `/dashboard` (and redirect `/` to it) beside the API in `app`."""
    from gateway.web.app import DashboardDispatch, create_dashboard

    app.add_middleware(DashboardDispatch, dashboard=create_dashboard(app.state.context))
