"""Settings of the dashboard, read from the environment with the prefix `WOONBRUG_WEB_`.

The session secret signs the dashboard's cookies. When it is not set, each process draws its own at
start: sign-ins then last as long as the process (fine for one process; several processes behind one
address need a shared secret).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from gateway.core.settings import HouseSettings, settings_config

__all__ = ["WebSettings"]


class WebSettings(HouseSettings):
    toml_table: ClassVar[str | None] = "web"
    model_config = settings_config("WOONBRUG_WEB_")

    session_secret: SecretStr | None = Field(
        None, description="secret that signs session cookies (32+ characters); empty: one per process"
    )
    session_hours: float = Field(8.0, gt=0, le=24 * 7, description="how long a sign-in lasts")
    secure_cookies: bool = Field(
        False, description="always mark cookies Secure (set this behind a TLS-terminating proxy)"
    )
    page_size: int = Field(50, ge=10, le=500, description="rows per page in long tables")
