"""Liveness, readiness and metrics: `/healthz`, `/readyz`, `/metrics` (no key needed)."""
