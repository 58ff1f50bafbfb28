"""Tenants of the gateway API and their API keys.

A tenant is one party that calls the API: a corporation (by its region id, e.g. `corp-a`), a seekers'
portal, a municipality or an administrator. Its role decides which scopes its keys may hold and which
rows it sees. Keys are random, shown once when created, and stored only as a SHA-256 hash.

- `records`: the tables (`api_tenant`, `api_key`).
- `service`: create, revoke and list keys; look a key up and verify it (constant time).
"""

from gateway.tenants.service import (
    ROLE_SCOPES,
    IssuedKey,
    KeyInfo,
    Principal,
    Role,
    Scope,
    StoredKey,
    TenantError,
    create_key,
    find_key,
    hash_secret,
    list_keys,
    parse_key,
    revoke_key,
    verify_key,
)

__all__ = [
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
