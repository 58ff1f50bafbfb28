"""The Woonbrug service: flow engine, store, delivery, API, dashboard, reports and CLI."""
