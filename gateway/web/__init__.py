"""The dashboard: server-rendered pages for region staff, corporations and municipalities.

It runs in the API's process and shares its context (store, region, key store, clock; what it uses is
declared in `gateway.web.context`) without importing the API: the composition root, `gateway.server`,
puts it in front of the API app. Pages are plain HTML from Jinja2 templates with one stylesheet and one
small script served by the gateway itself (no CDN, no outside fonts); charts are inline SVG drawn on the
server (`gateway.web.charts`).

Who sees what is decided in one place, `gateway.web.access`; the reads are in `gateway.web.repository`,
each filtered to the signed-in tenant. No page shows personal data: seekers appear as inschrijving ids
with household size and passendheid, never with names, BSN, birth dates, income or contact details.
"""

__all__ = ["DASHBOARD_PREFIX"]

DASHBOARD_PREFIX = "/dashboard"
