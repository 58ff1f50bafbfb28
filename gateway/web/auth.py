"""Signing in to the dashboard with an API key, the session cookie, and CSRF protection of forms.

- Sign in: a form takes an API key; it is checked against the API's key store (`DashboardContext.keys`)
  exactly as the API checks it (hash compared in constant time, revoked and expired keys refused).
  Every failure gets the same answer, so a guess learns nothing. Portal keys are refused: portals have
  no dashboard.
- Session: a signed cookie (`gateway.web.session`), HttpOnly, SameSite=Strict, Path=/dashboard, Secure
  on HTTPS. It holds the key's id and a CSRF token; each request looks the key up again, so a revoked
  key's sessions end within the key cache's lifetime.
- CSRF: every POST form carries the session's token (the sign-in form a token of its own, bound to a
  short-lived cookie), compared in constant time; a POST whose Origin header names another site is
  refused as well.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gateway.tenants.service import StoredKey, parse_key, verify_key
from gateway.web.access import DASHBOARD_ROLES, Viewer
from gateway.web.context import DashboardContext
from gateway.web.session import LOGIN_PURPOSE, SESSION_PURPOSE, SessionData, Signer, new_token
from gateway.web.settings import WebSettings

__all__ = [
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "LoginRequired",
    "PageError",
    "check_csrf",
    "clear_session",
    "current_viewer",
    "login_token",
    "optional_viewer",
    "read_form",
    "safe_next",
    "set_login_cookie",
    "sign_in",
    "start_session",
    "viewer_of",
]

SESSION_COOKIE = "woonbrug_sessie"
LOGIN_COOKIE = "woonbrug_inlog"
COOKIE_PATH = "/dashboard"
LOGIN_SECONDS = 1800
MAX_FORM_BYTES = 16_384
CSRF_FAILED = "De beveiligingscode van dit formulier klopt niet. Laad de pagina opnieuw en probeer het nog eens."
SIGN_IN_FAILED = "Deze sleutel geeft geen toegang. Controleer de sleutel of vraag het regiobeheer om een nieuwe."


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


class PageError(Exception):
    """A request the dashboard refuses, shown as an error page with a Dutch message."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def _state(request: Request) -> tuple[DashboardContext, Signer, WebSettings]:
    web = request.app.state.web
    return request.app.state.context, web.signer, web.settings


def viewer_of(ctx: DashboardContext, stored: StoredKey, csrf: str) -> Viewer:
    names = request_names(ctx)
    return Viewer(
        principal=stored.principal,
        csrf=csrf,
        display_name=names.get(stored.tenant, stored.tenant),
    )


def request_names(ctx: DashboardContext) -> dict[str, str]:
    """Display names of the region's gemeenten, corporations and portals, by id."""
    region = ctx.region
    if region is None:
        return {}
    names = {g.code: f"Gemeente {g.naam}" for g in region.gemeenten}
    names |= {c.id: c.name for c in region.corporaties}
    names |= {p.id: p.name for p in region.portals}
    return names


async def optional_viewer(request: Request) -> Viewer | None:
    """The signed-in viewer, or None (no cookie, bad signature, expired, key revoked or expired)."""
    ctx, signer, _settings = _state(request)
    payload = signer.loads(SESSION_PURPOSE, request.cookies.get(SESSION_COOKIE), time.time())
    data = SessionData.from_payload(payload) if payload is not None else None
    if data is None:
        return None
    stored = await ctx.keys.lookup(data.key_id)
    if stored is None or not stored.usable(ctx.clock.now()) or stored.tenant != data.tenant:
        return None
    if stored.role not in DASHBOARD_ROLES:
        return None
    viewer = viewer_of(ctx, stored, data.csrf)
    request.scope["woonbrug.web.tenant"] = viewer.tenant
    return viewer


async def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer; without one, GET pages redirect to the sign-in form and POSTs are refused."""
    viewer = await optional_viewer(request)
    if viewer is None:
        if request.method != "GET":
            raise PageError(403, "U bent niet (meer) aangemeld. Meld u opnieuw aan en probeer het nog eens.")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return viewer


def safe_next(value: str | None) -> str | None:
    """A redirect target only when it is a path of the dashboard itself (no open redirect)."""
    if not value or len(value) > 500 or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/dashboard"):
        return None
    return value


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form (first value of each), refusing big or other bodies."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise PageError(415, "Dit formulier kon niet worden gelezen.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PageError(413, "Het formulier is te groot.")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise PageError(400, "Dit formulier kon niet worden gelezen.") from None
    return {name: values[0] for name, values in fields.items() if values}


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # No Origin: an old browser or a non-browser client. SameSite=Strict and the token still hold.
        return origin is None
    host = request.headers.get("host", "")
    parts = urlsplit(origin)
    return parts.netloc == host and parts.scheme in ("http", "https")


def check_csrf(request: Request, expected: str, form: Mapping[str, str]) -> None:
    given = form.get("csrf", "")
    if not _same_origin(request) or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise PageError(403, CSRF_FAILED)


def _secure(request: Request, settings: WebSettings) -> bool:
    return settings.secure_cookies or request.url.scheme == "https"


def login_token(request: Request) -> tuple[str, str]:
    """A CSRF token for the sign-in form and the signed cookie value it is bound to."""
    _ctx, signer, _settings = _state(request)
    token = new_token()
    return token, signer.dumps(LOGIN_PURPOSE, {"c": token, "exp": int(time.time()) + LOGIN_SECONDS})


def set_login_cookie(request: Request, response: Response, value: str) -> None:
    _ctx, _signer, settings = _state(request)
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=LOGIN_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )


def check_login_token(request: Request, form: Mapping[str, str]) -> None:
    _ctx, signer, _settings = _state(request)
    payload = signer.loads(LOGIN_PURPOSE, request.cookies.get(LOGIN_COOKIE), time.time())
    expected = payload.get("c") if payload is not None else None
    if not isinstance(expected, str):
        raise PageError(403, "Het aanmeldformulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
    check_csrf(request, expected, form)


async def sign_in(request: Request, key_text: str) -> StoredKey | None:
    """The key row for a presented API key when it is valid and may use the dashboard, else None."""
    ctx, _signer, _settings = _state(request)
    parsed = parse_key(key_text)
    if parsed is None:
        return None
    key_id, secret = parsed
    stored = await run_in_threadpool(ctx.keys.load, key_id)  # always fresh at sign-in
    if stored is None or not verify_key(stored, secret, ctx.clock.now()):
        return None
    if stored.role not in DASHBOARD_ROLES:
        return None
    return stored


def start_session(request: Request, response: Response, stored: StoredKey) -> None:
    _ctx, signer, settings = _state(request)
    lifetime = int(settings.session_hours * 3600)
    data = SessionData(stored.key_id, stored.tenant, new_token(), int(time.time()) + lifetime)
    response.set_cookie(
        SESSION_COOKIE,
        signer.dumps(SESSION_PURPOSE, data.as_payload()),
        max_age=lifetime,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request, settings),
    )
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
