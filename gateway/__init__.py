"""The Woonbrug service: the allocation flow, its store, reliable delivery, the API, the dashboard, reports
and the `woonbrug` command, built on `schemas` (the canonical model) and `adapters` (the vendor systems).

Its rooms stand on floors; a room imports only rooms on lower floors, never one beside it on the same
floor or above it (import-linter checks this in `make lint`; the contracts are in pyproject.toml):

    cli                       the `woonbrug` command
    server | demo             the composition root (API + dashboard); the demo region
    api | web                 the HTTP API; the dashboard (they do not know each other)
    reports                   figures and reports for municipalities and corporations
    flow                      the allocation flow: pure decisions, the flow service, intake
    delivery | tenants        inbox, outbox and dispatch; tenants and their API keys
    store                     tables, engines, migrations, audit log, paging
    core                      clock, logging with personal data scrubbed, gateway-wide settings
"""
