"""Alembic's environment and revisions for the gateway store (run through `gateway.store.migrate`)."""
