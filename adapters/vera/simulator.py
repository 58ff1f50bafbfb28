"""A simulated corporation system: a VERA WRV 4.3 REST API on a loopback port.

Real HTTP (Starlette under uvicorn, in a background thread), so the adapter is tested through httpx the
way it talks to a vendor. It behaves as the spec says where the spec says something, and as a careful
vendor would where it does not:

- resources `/publicaties`, `/eenheden`, `/kandidaten`, `/aanbiedingen`, `/toewijzingen`,
  `/overeenkomsten`, `/sancties`, `/reclamaties`: POST creates (201 + Location), PUT /{id} replaces
  (404 when unknown), GET /{id} reads, GET lists with VERA cursor paging: the `cursor` query parameter,
  the `X-Parameters-AantalPerPagina` request header (default 20, at most 100) and the
  `X-Parameters-Cursor` / `X-Parameters-Aantal` / `X-Parameters-AantalPerPagina` response headers. A list
  is ordered by last change, so a cursor kept between polls yields only what changed since;
- `Idempotency-Key`: a repeated key answers with the first answer again (plus `Idempotent-Replayed:
  true`) and has no second effect; the same key with a different body is refused with 422;
- sign-in: the `X-API-KEY` header, or an OAuth2 bearer token from `POST /oauth/token` (client
  credentials, HTTP Basic or form fields); tokens expire after `token_ttl` and can be revoked;
- faults from `FaultPlan` (timeout, 503/429 with Retry-After, 500, 400, malformed body) before each
  resource request, steerable in process (`sim.faults`) or over HTTP (`/_sim/faults`).

    with VeraSimulator().running() as sim:
        adapter = VeraAdapter(VeraConfig(base_url=sim.url, api_key=DEFAULT_API_KEY))

`python -m adapters.vera.simulator --port 8090` serves one for the demo.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sdk.simulator import FaultPlan, Ledger, SimulatorServer, control_routes
from adapters.vera.mapping import RESOURCES

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "SeenRequest",
    "VeraSimulator",
]

# The simulator's own sign-in values: known to tests and the demo, worthless anywhere else.
DEFAULT_API_KEY = "sim-api-key"
DEFAULT_CLIENT_ID = "woonbrug"
DEFAULT_CLIENT_SECRET = "sim-client-secret"  # noqa: S105 - a fixed test credential of a local simulator

_MALFORMED = b'[{"id": "P-1", "status": {"code": "GEP"'  # cut off mid-object, as a dropped proxy would


@dataclass
class _Stored:
    id: str
    body: Any
    seq: int


@dataclass(frozen=True)
class _Reply:
    status: int
    location: str
    body: bytes
    digest: str


@dataclass(frozen=True)
class SeenRequest:
    """A request that reached a resource route (for tests that check headers)."""

    method: str
    path: str
    headers: Mapping[str, str]


def _problem(status: int, code: str, text: str, headers: Mapping[str, str] | None = None) -> Response:
    """VERA's `Foutbericht`: {code, omschrijving}."""
    return JSONResponse({"code": code, "omschrijving": text}, status_code=status, headers=dict(headers or {}))


class VeraSimulator:
    """One corporation's VERA WRV API in memory. Thread-safe: tests read it while it serves."""

    def __init__(
        self,
        *,
        api_key: str | None = DEFAULT_API_KEY,
        clients: Mapping[str, str] | None = None,
        token_ttl: float = 3600.0,
        default_page_size: int = 20,
    ) -> None:
        self.api_key = api_key
        self.clients = dict(clients) if clients is not None else {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET}
        self.token_ttl = token_ttl
        self.default_page_size = default_page_size
        self.faults = FaultPlan()
        self.ledger = Ledger()
        self.tokens_issued = 0
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, _Stored]] = {name: {} for name in RESOURCES}
        self._replies: dict[str, _Reply] = {}
        self._tokens: dict[str, float] = {}
        self._seq = 0
        self._server: SimulatorServer | None = None
        self.app = Starlette(routes=self._routes())

    # --- steering from tests --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running; use `with sim.running():`")
        return self._server.url

    @contextmanager
    def running(self, port: int | None = None) -> Iterator[VeraSimulator]:
        self._server = SimulatorServer(self.app, port)
        with self._server.running():
            yield self

    def preload(self, resource: str, bodies: Iterable[Mapping[str, Any]]) -> list[str]:
        """Store VERA bodies as if the corporation had entered them; returns their ids."""
        with self._lock:
            return [self._store(resource, dict(body)) for body in bodies]

    def records(self, resource: str) -> list[Any]:
        """The current bodies of a resource, in order of last change."""
        with self._lock:
            return [s.body for s in sorted(self._records[resource].values(), key=lambda s: s.seq)]

    def revoke_tokens(self) -> None:
        """Forget every issued token: the next call with one is answered 401."""
        with self._lock:
            self._tokens.clear()

    def reset(self) -> None:
        with self._lock:
            for records in self._records.values():
                records.clear()
            self._replies.clear()
            self._tokens.clear()
            self.requests.clear()
            self.tokens_issued = 0
        self.ledger.clear()
        self.faults.clear()

    # --- routes ---------------------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        return [
            Route("/oauth/token", self._token, methods=["POST"]),
            Route("/ping", self._ping, methods=["GET"]),
            *control_routes(self.faults, self.ledger),
            Route("/_sim/preload/{resource}", self._preload_route, methods=["POST"]),
            Route("/{resource}", self._collection, methods=["GET", "POST"]),
            Route("/{resource}/{id}", self._item, methods=["GET", "PUT"]),
        ]

    async def _ping(self, request: Request) -> Response:
        return Response(status_code=200)

    async def _preload_route(self, request: Request) -> Response:
        resource = request.path_params["resource"]
        if resource not in RESOURCES:
            return _problem(404, "ONBEKEND", "unknown resource")
        bodies = json.loads(await request.body())
        return JSONResponse({"ids": self.preload(resource, bodies if isinstance(bodies, list) else [bodies])})

    async def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("latin-1")).items()}
        client_id, secret = _basic_auth(request.headers.get("Authorization", ""))
        client_id = client_id or form.get("client_id")
        secret = secret or form.get("client_secret")
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if client_id is None or self.clients.get(client_id) is None or self.clients[client_id] != secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self.tokens_issued += 1
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_ttl)}
        if "scope" in form:
            answer["scope"] = form["scope"]
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    async def _gate(self, request: Request) -> tuple[str, Response | None]:
        """Common to every resource request: record it, unknown resource, injected fault, sign-in."""
        resource = request.path_params["resource"]
        with self._lock:
            self.requests.append(SeenRequest(request.method, request.url.path, dict(request.headers)))
        if resource not in RESOURCES:
            return resource, _problem(404, "ONBEKEND", f"no resource /{resource[:40]}")
        fault = await self.faults.apply(_MALFORMED, "application/json")
        if fault is not None:
            return resource, fault
        if not self._signed_in(request):
            return resource, _problem(
                401,
                "NIET_GEAUTORISEERD",
                "missing or wrong X-API-KEY or bearer token",
                {"WWW-Authenticate": 'Bearer realm="vera"'},
            )
        return resource, None

    def _signed_in(self, request: Request) -> bool:
        if self.api_key is None and not self.clients:
            return True
        given = request.headers.get("X-API-KEY")
        if self.api_key is not None and given is not None and secrets.compare_digest(given, self.api_key):
            return True
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and time.monotonic() < expires

    async def _collection(self, request: Request) -> Response:
        resource, refusal = await self._gate(request)
        if refusal is not None:
            return refusal
        if request.method == "GET":
            return self._list(request, resource)
        return await self._write(request, resource, None)

    async def _item(self, request: Request) -> Response:
        resource, refusal = await self._gate(request)
        if refusal is not None:
            return refusal
        record_id = request.path_params["id"]
        if request.method == "PUT":
            return await self._write(request, resource, record_id)
        with self._lock:
            stored = self._records[resource].get(record_id)
        if stored is None:
            return _problem(404, "NIET_GEVONDEN", f"no {resource} record with this id")
        return JSONResponse(stored.body)

    def _list(self, request: Request, resource: str) -> Response:
        per_page_text = request.headers.get("X-Parameters-AantalPerPagina", str(self.default_page_size))
        if not per_page_text.isdigit() or not 1 <= int(per_page_text) <= 100:
            return _problem(400, "ONGELDIG", "X-Parameters-AantalPerPagina must be 1..100")
        per_page = int(per_page_text)
        after = _read_cursor(request.query_params.get("cursor"), resource)
        if after is None:
            return _problem(400, "ONGELDIG", "unknown cursor")
        with self._lock:
            found = sorted((s for s in self._records[resource].values() if s.seq > after), key=lambda s: s.seq)
        page = found[:per_page]
        headers = {
            "X-Parameters-Aantal": str(len(found)),
            "X-Parameters-AantalPerPagina": str(per_page),
            "X-Parameters-Cursor": _cursor(resource, page[-1].seq if page else after),
        }
        return JSONResponse([s.body for s in page], headers=headers)

    async def _write(self, request: Request, resource: str, record_id: str | None) -> Response:
        raw = await request.body()
        try:
            data = json.loads(raw)
        except ValueError:
            return _problem(400, "ONGELDIG", "body is not valid JSON")
        bodies = data if isinstance(data, list) and record_id is None else [data]
        if not bodies or not all(isinstance(b, dict) and isinstance(b.get("id", ""), str) for b in bodies):
            return _problem(400, "ONGELDIG", "body must be a VERA resource object (or an array of them)")
        # A PUT body may leave its id to the path; without it, storing would mint a new record.
        if record_id is not None and bodies[0].setdefault("id", record_id) != record_id:
            return _problem(400, "ONGELDIG", "the id in the body differs from the id in the path")
        key = request.headers.get("Idempotency-Key")
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            prior = self._replies.get(key) if key else None
            if prior is not None:
                if prior.digest != digest:
                    return _problem(422, "IDEMPOTENCY_KEY", "Idempotency-Key reused with a different body")
                self.ledger.record(key or "", resource, data)
                return Response(
                    prior.body,
                    prior.status,
                    media_type="application/json",
                    headers={"Location": prior.location, "Idempotent-Replayed": "true"},
                )
            if record_id is not None and record_id not in self._records[resource]:
                return _problem(404, "NIET_GEVONDEN", f"no {resource} record with this id to replace")
            ids = [self._store(resource, body) for body in bodies]
            status = 200 if record_id is not None else 201
            stored = [self._records[resource][i].body for i in ids]
            reply = _Reply(
                status,
                f"/{resource}/{ids[0]}",
                json.dumps(stored if isinstance(data, list) else stored[0]).encode(),
                digest,
            )
            self.ledger.record(key or f"unkeyed:{uuid.uuid4()}", resource, data)
            if key:
                self._replies[key] = reply
        return Response(reply.body, reply.status, media_type="application/json", headers={"Location": reply.location})

    def _store(self, resource: str, body: dict[str, Any]) -> str:
        """Create or replace one record (caller holds the lock); a record without an id gets one."""
        self._seq += 1
        record_id = str(body.get("id") or f"{resource[:3].upper()}-{self._seq}")
        body["id"] = record_id
        self._records[resource][record_id] = _Stored(record_id, body, self._seq)
        return record_id


def _basic_auth(header: str) -> tuple[str | None, str | None]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, password


def _cursor(resource: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{resource}:{seq}".encode()).decode().rstrip("=")


def _read_cursor(cursor: str | None, resource: str) -> int | None:
    """The sequence number after which a page starts; 0 without a cursor, None for a foreign one."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, _, seq = text.partition(":")
    return int(seq) if name == resource and seq.isdigit() else None


def main(argv: list[str] | None = None) -> None:
    """Serve a simulator until interrupted (for the demo and manual tries)."""
    parser = argparse.ArgumentParser(description="Simulated VERA WRV 4.3 API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    sim = VeraSimulator()
    with sim.running(args.port):
        print(f"VERA WRV simulator on {sim.url}  (X-API-KEY: {DEFAULT_API_KEY})", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
