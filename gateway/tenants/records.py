"""The tenant and API key tables.

A key's secret part is never stored: `secret_sha256` is the SHA-256 of it. The secret is 256 random
bits, so a plain hash is enough (a slow password hash protects low-entropy secrets, which these are not)
and verifying stays cheap on every request. `id` is the key's public prefix, sent with the secret, by
which the row is found without scanning hashes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, JSONDocument, UTCDateTime

__all__ = ["ROLES", "ApiKeyRecord", "TenantRecord"]

ROLES = ("corporation", "portal", "municipality", "admin")


class TenantRecord(Base):
    __tablename__ = "api_tenant"
    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKeyRecord(Base):
    __tablename__ = "api_key"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("api_tenant.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
