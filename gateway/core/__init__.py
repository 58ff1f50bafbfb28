"""The gateway's ground floor: what every other room may use and which itself uses none of them.

- `clock`: the injectable `Clock` (real, or simulated for tests and the demo) every stored moment comes from;
- `logging`: JSON logs with personal data scrubbed, by type and by value (`scrub`, `configure_logging`);
- `settings`: the gateway-wide settings read from the environment (`WOONBRUG_*`: database, region,
  delivery); each room keeps the settings only it reads (`gateway.api.settings`, `gateway.web.settings`).

Nothing here imports another gateway room (checked by import-linter in `make lint`), and nothing does I/O
when imported.
"""
