"""The gateway's settings: one place that every command, the server, the workers and the dashboard read.

Precedence, highest first: values passed to `Settings(...)` in code (the CLI's options), environment
variables (prefix `WOONBRUG_`), a `.env` file in the working directory, a `woonbrug.toml` (in the working
directory, or the file given with `woonbrug --config FILE` / `WOONBRUG_CONFIG`), then the defaults below.
Nested groups use `__` in the environment (`WOONBRUG_DELIVERY__MAX_ATTEMPTS=20`) and tables in the TOML
file (`[delivery]`); the API's and the dashboard's settings are the tables `[api]` and `[web]`.

All local data lives in one data folder (`data_dir`, default `./woonbrug-data`): the embedded SQLite
database `woonbrug.sqlite`, the demo's drop folders, and the running server's lock file. Point
`WOONBRUG_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user@host/db`) to run several gateway
processes or hosts against one store.
"""

from __future__ import annotations

import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

__all__ = [
    "CONFIG_FILE_NAME",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_DATA_DIR",
    "ConfigFileError",
    "DeliverySettings",
    "HouseSettings",
    "Settings",
    "chosen_config_file",
    "get_settings",
    "settings_config",
    "toml_sources",
    "use_config_file",
]

DEFAULT_DATA_DIR = "./woonbrug-data"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR}/woonbrug.sqlite"
CONFIG_FILE_NAME = "woonbrug.toml"

# The file `woonbrug --config FILE` named, for this invocation (a context variable, not os.environ: the
# CLI's tests run many invocations in one process, and none may leak its choice into the next).
_config_file: ContextVar[Path | None] = ContextVar("woonbrug_config_file", default=None)


class ConfigFileError(ValueError):
    """The configuration file cannot be read: missing, or not valid TOML (with its line)."""


def use_config_file(path: Path | None) -> None:
    """Read settings from `path` (instead of ./woonbrug.toml) for the rest of this invocation."""
    _config_file.set(path)


def chosen_config_file() -> tuple[Path | None, bool]:
    """The TOML file settings are read from, and whether it was named explicitly (then it must exist)."""
    given = _config_file.get()
    if given is not None:
        return given, True
    if os.environ.get("WOONBRUG_CONFIG"):
        return Path(os.environ["WOONBRUG_CONFIG"]), True
    local = Path(CONFIG_FILE_NAME)
    return (local, False) if local.is_file() else (None, False)


def _read_toml() -> dict[str, Any]:
    path, explicit = chosen_config_file()
    if path is None:
        return {}
    if not path.is_file():
        if explicit:
            raise ConfigFileError(f"{path}: configuration file not found")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path}: not valid TOML ({error})") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"{path}: cannot be read ({type(error).__name__})") from error


def toml_sources(
    settings_cls: type[BaseSettings],
    init_settings: PydanticBaseSettingsSource,
    env_settings: PydanticBaseSettingsSource,
    dotenv_settings: PydanticBaseSettingsSource,
    table: str | None = None,
) -> tuple[PydanticBaseSettingsSource, ...]:
    """The sources of one settings class in the house's order: code, environment, `.env`, the TOML file
    (its top level, or its `[table]`), defaults."""
    data = _read_toml()
    if table is not None:
        section = data.get(table, {})
        data = section if isinstance(section, dict) else {}
    else:
        data = {key: value for key, value in data.items() if key not in ("api", "web")}
    return init_settings, env_settings, dotenv_settings, InitSettingsSource(settings_cls, init_kwargs=data)


class HouseSettings(BaseSettings):
    """Base of the gateway's settings classes: read in the house's order (`toml_sources`), from the TOML
    file's top level, or from its `[toml_table]` when a subclass names one (`api`, `web`)."""

    toml_table: ClassVar[str | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return toml_sources(settings_cls, init_settings, env_settings, dotenv_settings, table=cls.toml_table)


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


class Settings(HouseSettings):
    """Everything the gateway reads from its environment."""

    model_config = settings_config("WOONBRUG_", env_nested_delimiter="__")

    data_dir: str = Field(
        DEFAULT_DATA_DIR,
        description="the data folder: embedded database, the demo's drop folders, the running server's lock",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL: sqlite:///path (embedded) or postgresql+psycopg://user@host/db; "
        "empty: woonbrug.sqlite in the data folder",
    )
    region_file: str = Field(
        "",
        description="the region configuration (YAML); empty: the demo region shipped with Woonbrug",
    )
    adapter_resolver: str | None = Field(
        None, description="`module:attribute` of the callable that builds an adapter for a destination"
    )
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)

    @model_validator(mode="after")
    def _database_in_data_folder(self) -> Settings:
        # One decision for every command: without an explicit URL, the store is the data folder's.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir}/woonbrug.sqlite"
        return self

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with `overrides` (e.g. CLI options that were given) on top."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]  # pydantic validates the keys and types at runtime
