"""Settings of the HTTP API, read from the environment with the prefix `WOONBRUG_API_`.

Precedence as for the gateway's own settings: values given in code (the CLI's options) first, then the
environment, then a `.env` file, then the defaults below.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from gateway.core.settings import HouseSettings, settings_config

__all__ = ["ApiSettings"]


class ApiSettings(HouseSettings):
    """Limits and caches of the API process."""

    toml_table: ClassVar[str | None] = "api"
    model_config = settings_config("WOONBRUG_API_")

    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body taken (413 above)")
    rate_per_second: float = Field(50.0, gt=0, description="requests per second a key may make, sustained")
    rate_burst: int = Field(100, ge=1, description="requests a key may make at once before the rate applies")
    key_cache_seconds: float = Field(
        10.0, ge=0, description="how long a looked-up key is trusted before the store is asked again (revocation delay)"
    )
    key_cache_size: int = Field(10_000, ge=0, description="keys kept in the lookup cache")
    access_log: bool = Field(True, description="log one line per request (method, route, status, duration)")
