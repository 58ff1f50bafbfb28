"""The HTTP API (FastAPI, OpenAPI 3.1) for corporations, portals, municipalities and region staff.

`gateway.api.app.create_app` builds the app; each resource is a package named as VERA names it
(`publicaties/`, `kandidaten/`, ...) with the same files: `endpoints` (parse, authorise, shape the
answer), `service` (the rules), `repository` (the queries, filtered to the caller's tenant) and `schemas`
(request and answer models). Authentication is `auth` (keys through `keystore`), errors become RFC 9457
problem+json in `errors` alone, paging is `paging`. The API does not know the dashboard:
`gateway.server` puts the two together.
"""
