"""Configuration of the VERA adapter: where the corporation's VERA WRV API lives and how to sign in.

Values in the region file win over environment variables, which win over the defaults. Every field can
come from the environment with the prefix `WOONBRUG_VERA_`; the secrets usually do:

    WOONBRUG_VERA_BASE_URL        https://wrv.corporatie.example/v4
    WOONBRUG_VERA_API_KEY         API key, sent in the `X-API-KEY` header (VERA's ApiKeyAuth)
    WOONBRUG_VERA_TOKEN_URL       OAuth2 client-credentials token endpoint (VERA: /oauth/token)
    WOONBRUG_VERA_CLIENT_ID       OAuth2 client id
    WOONBRUG_VERA_CLIENT_SECRET   OAuth2 client secret
    WOONBRUG_VERA_SCOPE           OAuth2 scope(s), e.g. `WRV.All.ReadWrite`
    WOONBRUG_VERA_WEBHOOK_SECRET  shared secret for the HMAC signature of webhook calls

Sign in with either an API key or OAuth2 client credentials, not both.

How changes are written back (`merge_patch`, `read_before_create`, `write_attempts`) is described on
the fields; whatever is chosen, a record the vendor holds is merged into, never replaced.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from adapters.sdk.adapter import AdapterConfig
from adapters.vera.mapping import MAX_BODY_BYTES, MAX_FIELD_CHARS, RESOURCES

__all__ = ["ENV_PREFIX", "VeraConfig"]

ENV_PREFIX = "WOONBRUG_VERA_"


class VeraConfig(AdapterConfig):
    """How to reach one VERA WRV 4.3 REST API."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)

    base_url: str | None = Field(
        default=None,
        description="Base URL of the VERA WRV API, e.g. https://wrv.corporatie.example/v4. "
        "Translation works without it; delivery and polling need it.",
        pattern=r"^https?://",
    )
    api_key: SecretStr | None = Field(default=None, description="API key (VERA ApiKeyAuth).")
    api_key_header: str = Field(default="X-API-KEY", description="Header the API key travels in.")
    token_url: str | None = Field(default=None, description="OAuth2 token endpoint (client credentials).")
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scope: str | None = Field(default=None, description="OAuth2 scope(s), space separated.")
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    page_size: int = Field(default=100, ge=1, le=100, description="X-Parameters-AantalPerPagina (VERA max 100).")
    max_pages_per_poll: int = Field(default=50, ge=1, le=10_000)
    poll_resources: tuple[str, ...] = Field(
        default=("eenheden", "publicaties"), description="VERA resources a poll reads, in order."
    )
    resource: str | None = Field(
        default=None,
        description="VERA resource (`publicaties`, ...) that payloads without a Woonbrug envelope come from, "
        "for decoding a vendor export or webhook that does not name it.",
    )
    merge_patch: bool | None = Field(
        default=None,
        description="How a change is written back into a record the API holds. True: PATCH with a JSON merge "
        "patch (application/merge-patch+json); False: PUT of the whole merged record; unset: try PATCH and, "
        "when the API answers 405, 415 or 501, use PUT from then on. Either way the current record is read "
        "first and merged, so nothing the vendor holds is erased.",
    )
    read_before_create: bool = Field(
        default=False,
        description="Read a record (GET /{resource}/{id}) before creating it and merge into it when the API "
        "holds it already. Only for an API that answers a POST of an id it holds by replacing that record "
        "rather than with 409 Conflict; costs one read per record.",
    )
    write_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Times a write-back reads, merges and writes when the record changed in between "
        "(HTTP 412 on If-Match); after that the delivery is a TransientError and is retried later.",
    )
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1024)
    max_field_chars: int = Field(default=MAX_FIELD_CHARS, ge=100)
    source_tenant: str = Field(
        default="vera",
        pattern=r"^[A-Za-z0-9._:\-]+$",
        description="Tenant that records without a Woonbrug envelope come from (the corporation).",
    )
    source_system: str = Field(default="vera", pattern=r"^[A-Za-z0-9._:\-]+$")
    webhook_secret: SecretStr | None = Field(
        default=None, description="When set, webhook calls must carry X-Woonbrug-Signature: sha256=<HMAC>."
    )

    @field_validator("poll_resources", "resource")
    @classmethod
    def _known_resources(cls, value: tuple[str, ...] | str | None) -> tuple[str, ...] | str | None:
        names = (value,) if isinstance(value, str) else value or ()
        unknown = [name for name in names if name not in RESOURCES]
        if unknown:
            raise ValueError(f"unknown VERA resources {unknown}; known: {', '.join(sorted(RESOURCES))}")
        return value

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> Self:
        oauth = (self.token_url, self.client_id, self.client_secret)
        if any(value is not None for value in oauth):
            if not all(value is not None for value in oauth):
                raise ValueError("OAuth2 needs token_url, client_id and client_secret together")
            if self.api_key is not None:
                raise ValueError("give either api_key or OAuth2 client credentials, not both")
        return self

    @property
    def uses_oauth2(self) -> bool:
        return self.token_url is not None
