"""API keys: issue, revoke, list, and verify them.

A key reads `wbk_<id>_<secret>`: `id` is 12 hex characters (public, the row's key), `secret` 43
URL-safe characters (256 random bits, never stored). Verifying hashes the presented secret and compares
it with the stored hash in constant time (`hmac.compare_digest`), so the time taken says nothing about
how much of a guess was right.

Roles and scopes: a tenant has one role; a key holds scopes, at most those its role allows
(`ROLE_SCOPES`). Scopes say which endpoints a key may call (403 without); the role says which rows it
then sees (another tenant's rows are 404).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.store import audit
from gateway.tenants.records import ApiKeyRecord, TenantRecord

__all__ = [
    "KEY_PREFIX",
    "ROLE_SCOPES",
    "IssuedKey",
    "KeyInfo",
    "Principal",
    "Role",
    "Scope",
    "StoredKey",
    "TenantError",
    "create_key",
    "find_key",
    "hash_secret",
    "list_keys",
    "parse_key",
    "revoke_key",
    "verify_key",
]

KEY_PREFIX = "wbk"
_KEY = re.compile(r"^wbk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class Role(StrEnum):
    CORPORATION = "corporation"
    PORTAL = "portal"
    MUNICIPALITY = "municipality"
    ADMIN = "admin"


class Scope(StrEnum):
    PUBLICATIES_READ = "publicaties:read"
    INSCHRIJVINGEN_READ = "inschrijvingen:read"
    INSCHRIJVINGEN_WRITE = "inschrijvingen:write"
    REACTIES_WRITE = "reacties:write"
    KANDIDATEN_READ = "kandidaten:read"
    AANBIEDINGEN_READ = "aanbiedingen:read"
    AANBIEDINGEN_WRITE = "aanbiedingen:write"
    TOEWIJZINGEN_READ = "toewijzingen:read"
    STATISTIEKEN_READ = "statistieken:read"
    BERICHTEN_WRITE = "berichten:write"
    ADMIN_READ = "admin:read"
    ADMIN_WRITE = "admin:write"


S = Scope
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.CORPORATION: frozenset(
        {S.PUBLICATIES_READ, S.KANDIDATEN_READ, S.AANBIEDINGEN_READ, S.TOEWIJZINGEN_READ, S.BERICHTEN_WRITE}
    ),
    Role.PORTAL: frozenset(
        {
            S.PUBLICATIES_READ,
            S.INSCHRIJVINGEN_READ,
            S.INSCHRIJVINGEN_WRITE,
            S.REACTIES_WRITE,
            S.AANBIEDINGEN_READ,
            S.AANBIEDINGEN_WRITE,
            S.BERICHTEN_WRITE,
        }
    ),
    # A municipality reads figures, never persons or listings one by one.
    Role.MUNICIPALITY: frozenset({S.STATISTIEKEN_READ}),
    # Operators run the plumbing; seekers' registrations and candidate lists are not theirs to read.
    Role.ADMIN: frozenset({S.PUBLICATIES_READ, S.STATISTIEKEN_READ, S.ADMIN_READ, S.ADMIN_WRITE}),
}
"""Every scope a role's keys may hold; a new key gets all of them unless fewer are asked for."""


class TenantError(ValueError):
    """A key request that cannot be done (unknown role or scope, a tenant id taken by another role)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the tenant, its role, and the scopes of the key it used."""

    tenant: str
    role: Role
    scopes: frozenset[Scope]
    key_id: str


@dataclass(frozen=True)
class IssuedKey:
    """A new key. `key` is the only copy of the secret: show it once, then forget it."""

    key_id: str
    tenant: str
    role: Role
    scopes: tuple[Scope, ...]
    expires_at: datetime | None
    key: str


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    tenant: str
    role: Role
    scopes: tuple[Scope, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


@dataclass(frozen=True)
class StoredKey:
    """What verifying needs of a key row (safe to cache: it holds only the hash)."""

    key_id: str
    tenant: str
    role: Role
    scopes: frozenset[Scope]
    secret_sha256: str
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def principal(self) -> Principal:
        """Who calls with this key."""
        return Principal(self.tenant, self.role, self.scopes, self.key_id)

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired at `now` (says nothing about a presented secret)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def parse_key(text: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    match = _KEY.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def verify_key(stored: StoredKey, secret: str, now: datetime) -> bool:
    """True when `secret` is this key's secret and the key is neither revoked nor expired."""
    matches = hmac.compare_digest(hash_secret(secret), stored.secret_sha256)
    return matches and stored.usable(now)


def _scopes_for(role: Role, asked: Iterable[str] | None) -> tuple[Scope, ...]:
    allowed = ROLE_SCOPES[role]
    if asked is None:
        return tuple(sorted(allowed))
    chosen: set[Scope] = set()
    for name in asked:
        try:
            scope = Scope(name)
        except ValueError:
            known = ", ".join(sorted(s.value for s in Scope))
            raise TenantError(f"unknown scope {name!r}; scopes are: {known}") from None
        if scope not in allowed:
            raise TenantError(f"a {role.value} key cannot hold scope {scope.value}")
        chosen.add(scope)
    if not chosen:
        raise TenantError("a key needs at least one scope")
    return tuple(sorted(chosen))


def create_key(
    session: Session,
    *,
    tenant: str,
    role: Role | str,
    now: datetime,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
    actor: str = "cli",
) -> IssuedKey:
    """Issue a key for `tenant` (created with `role` if new) in the caller's transaction."""
    try:
        role = Role(role)
    except ValueError:
        raise TenantError(f"unknown role {role!r}; roles are: {', '.join(r.value for r in Role)}") from None
    if not _TENANT.match(tenant):
        raise TenantError("a tenant id is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if expires_at is not None and expires_at <= now:
        raise TenantError("the expiry must lie in the future")
    chosen = _scopes_for(role, scopes)
    record = session.get(TenantRecord, tenant)
    if record is None:
        session.add(TenantRecord(id=tenant, role=role.value, created_at=now))
        session.flush()  # the key row refers to it
    elif record.role != role.value:
        raise TenantError(f"tenant {tenant} exists with role {record.role}, not {role.value}")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(
        ApiKeyRecord(
            id=key_id,
            tenant_id=tenant,
            secret_sha256=hash_secret(secret),
            scopes=[s.value for s in chosen],
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="api_key.created",
        entity_type="api_key",
        entity_id=key_id,
        detail={"tenant": tenant, "role": role.value, "scopes": [s.value for s in chosen]},
    )
    return IssuedKey(key_id, tenant, role, chosen, expires_at, f"{KEY_PREFIX}_{key_id}_{secret}")


def revoke_key(session: Session, key_id: str, *, now: datetime, actor: str = "cli") -> bool:
    """Revoke a key; False when there is no such key. Revoking twice keeps the first moment."""
    record = session.get(ApiKeyRecord, key_id)
    if record is None:
        return False
    if record.revoked_at is None:
        record.revoked_at = now
        audit.record(session, at=now, actor=actor, action="api_key.revoked", entity_type="api_key", entity_id=key_id)
    return True


def _info(key: ApiKeyRecord, role: str) -> KeyInfo:
    return KeyInfo(
        key_id=key.id,
        tenant=key.tenant_id,
        role=Role(role),
        scopes=tuple(Scope(s) for s in key.scopes),
        created_at=key.created_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
    )


def list_keys(session: Session, *, tenant: str | None = None) -> list[KeyInfo]:
    query = select(ApiKeyRecord, TenantRecord.role).join(TenantRecord, TenantRecord.id == ApiKeyRecord.tenant_id)
    if tenant is not None:
        query = query.where(ApiKeyRecord.tenant_id == tenant)
    rows = session.execute(query.order_by(ApiKeyRecord.tenant_id, ApiKeyRecord.created_at, ApiKeyRecord.id))
    return [_info(key, role) for key, role in rows.all()]


def find_key(session: Session, key_id: str) -> StoredKey | None:
    row = session.execute(
        select(ApiKeyRecord, TenantRecord.role)
        .join(TenantRecord, TenantRecord.id == ApiKeyRecord.tenant_id)
        .where(ApiKeyRecord.id == key_id)
    ).one_or_none()
    if row is None:
        return None
    key, role = row
    return StoredKey(
        key_id=key.id,
        tenant=key.tenant_id,
        role=Role(role),
        scopes=frozenset(Scope(s) for s in key.scopes if s in Scope._value2member_map_),
        secret_sha256=key.secret_sha256,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
    )
