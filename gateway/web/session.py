"""Signed cookies: the dashboard's session and the sign-in form's CSRF token.

A cookie value is `<payload>.<signature>`: the payload is base64url JSON, the signature HMAC-SHA256 over
a purpose label and the payload, so a login-form cookie can never pass for a session cookie. The payload
holds no secret (a key id, a CSRF token, times); what makes it trustworthy is the signature, checked in
constant time, and the expiry inside it.

The session stores the API key's id, never the key: on every request the key row is looked up again
(through the API's key cache), so revoking or expiring a key ends its dashboard sessions too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

__all__ = ["LOGIN_PURPOSE", "SESSION_PURPOSE", "SessionData", "Signer", "new_token"]

SESSION_PURPOSE = "woonbrug.web.session"
LOGIN_PURPOSE = "woonbrug.web.login"


def new_token() -> str:
    """A fresh random token (CSRF), 256 bits."""
    return secrets.token_urlsafe(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks small JSON payloads for one secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the session secret needs at least 32 bytes")
        self._secret = secret

    def _signature(self, purpose: str, payload: str) -> str:
        mac = hmac.new(self._secret, f"{purpose}\n{payload}".encode("ascii"), hashlib.sha256)
        return _b64(mac.digest())

    def dumps(self, purpose: str, data: dict[str, Any]) -> str:
        payload = _b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{self._signature(purpose, payload)}"

    def loads(self, purpose: str, value: str | None, now: float) -> dict[str, Any] | None:
        """The payload of a well-signed value that has not expired (`exp`, epoch seconds), else None."""
        if not value or value.count(".") != 1 or len(value) > 4096:
            return None
        payload, signature = value.split(".")
        try:
            payload.encode("ascii")
            signature.encode("ascii")
        except UnicodeEncodeError:
            return None
        if not hmac.compare_digest(signature, self._signature(purpose, payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(data, dict):
            return None
        expires = data.get("exp")
        if not isinstance(expires, int | float) or expires <= now:
            return None
        return data


@dataclass(frozen=True)
class SessionData:
    """What a session cookie says: which key signed in, its tenant, the CSRF token, and when it ends."""

    key_id: str
    tenant: str
    csrf: str
    expires: int

    def as_payload(self) -> dict[str, Any]:
        return {"k": self.key_id, "t": self.tenant, "c": self.csrf, "exp": self.expires}

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> SessionData | None:
        key_id, tenant, csrf, expires = data.get("k"), data.get("t"), data.get("c"), data.get("exp")
        if not (isinstance(key_id, str) and isinstance(tenant, str) and isinstance(csrf, str)):
            return None
        if not isinstance(expires, int):
            return None
        return cls(key_id, tenant, csrf, expires)
