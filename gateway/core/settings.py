"""The gateway's settings, read once from the environment (prefix `WOONBRUG_`) with explicit precedence.

Precedence, highest first: values passed to `Settings(...)` in code (the CLI's options), environment
variables, a `.env` file in the working directory, then the defaults below. Nested groups use `__`:
`WOONBRUG_DELIVERY__MAX_ATTEMPTS=20`.

The embedded default database is SQLite in `./woonbrug-data/woonbrug.sqlite` under the working directory;
point `WOONBRUG_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user@host/db`) to run several gateway
processes or hosts against one store.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "DeliverySettings", "Settings", "get_settings", "settings_config"]

DEFAULT_DATABASE_URL = "sqlite:///./woonbrug-data/woonbrug.sqlite"


def settings_config(env_prefix: str, *, env_nested_delimiter: str | None = None) -> SettingsConfigDict:
    """How every settings class of the gateway reads its environment (these and `gateway.api.settings`,
    `gateway.web.settings`): its own prefix, the same `.env` file and precedence, unknown variables
    ignored, and no input values in validation errors (a secret set wrongly must not be printed)."""
    return SettingsConfigDict(
        env_prefix=env_prefix,
        env_nested_delimiter=env_nested_delimiter,
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,
    )


class DeliverySettings(BaseModel):
    """How the outbox delivers: batches, leases, retries and the circuit breaker per endpoint."""

    batch_size: int = Field(20, ge=1, le=1000, description="messages one worker claims at a time")
    max_in_flight: int = Field(256, ge=1, le=10_000, description="messages one worker has out at once")
    per_destination: int = Field(
        64, ge=1, le=1000, description="messages one worker has out at once to one destination (its connection pool)"
    )
    lease_seconds: float = Field(
        120.0, gt=0, description="how long a claim holds; a dead worker's messages are taken over after it"
    )
    poll_seconds: float = Field(0.5, gt=0, description="idle wait between looks for due messages")
    max_attempts: int = Field(12, ge=1, description="delivery attempts before a message becomes a dead letter")
    backoff_base_seconds: float = Field(2.0, gt=0, description="first retry waits up to this long")
    backoff_cap_seconds: float = Field(600.0, gt=0, description="no retry waits longer than this (unless Retry-After)")
    retry_after_cap_seconds: float = Field(3600.0, gt=0, description="the longest Retry-After honoured")
    breaker_threshold: int = Field(5, ge=1, description="transient failures within the window that open a breaker")
    breaker_cooldown_seconds: float = Field(30.0, gt=0, description="how long an open breaker stays open")
    breaker_window_seconds: float = Field(60.0, gt=0, description="failures older than this no longer count")
    breaker_slow_seconds: float | None = Field(
        None, gt=0, description="an answer slower than this counts as a failure for the breaker (unset: never)"
    )
    breaker_budget: int = Field(
        1, ge=1, description="requests out at once, across all workers, to a destination that has started failing"
    )


class Settings(BaseSettings):
    """Everything the gateway reads from its environment."""

    model_config = settings_config("WOONBRUG_", env_nested_delimiter="__")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path (embedded) or postgresql+psycopg://user@host/db",
    )
    region_file: str = Field(
        "",
        description="the region configuration (YAML); empty: the demo region shipped with Woonbrug",
    )
    adapter_resolver: str | None = Field(
        None, description="`module:attribute` of the callable that builds an adapter for a destination"
    )
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with `overrides` (e.g. CLI options that were given) on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]  # pydantic validates the keys and types at runtime
