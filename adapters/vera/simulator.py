"""A simulated corporation system: a VERA WRV 4.3 REST API on a loopback port.

Real HTTP (Starlette under uvicorn, in a background thread), so the adapter is tested through httpx the
way it talks to a vendor. It behaves as the spec says where the spec says something, and as a careful
vendor would where it does not:

- resources `/publicaties`, `/eenheden`, `/kandidaten`, `/aanbiedingen`, `/toewijzingen`,
  `/overeenkomsten`, `/sancties`, `/reclamaties`: POST creates (201 + Location; 409 when a record with
  that id exists, unless `replace_on_post` makes it replace the record, as some vendors do), PUT /{id}
  replaces (404 when unknown), PATCH /{id} applies a JSON merge patch (RFC 7396,
  `application/merge-patch+json`; 405 when `merge_patch` is off, as at a vendor without it), GET /{id}
  reads, GET lists with VERA cursor paging: the `cursor` query parameter,
  the `X-Parameters-AantalPerPagina` request header (default 20, at most 100) and the
  `X-Parameters-Cursor` / `X-Parameters-Aantal` / `X-Parameters-AantalPerPagina` response headers. A list
  is ordered by last change, so a cursor kept between polls yields only what changed since;
- `Idempotency-Key`: a repeated key answers with the first answer again (plus `Idempotent-Replayed:
  true`) and has no second effect; the same key with a different body is refused with 422. Only
  successful answers are remembered: a write refused with 409 or 412 may be sent again under its key;
- records keep every attribute they were given, known to Woonbrug or not (`with_vendor_fields` adds a
  vendor's own attributes and extra-attribuut to a body, for tests of lossless write-back);
- ETags (`etags`, on by default): GET /{id} and every write answer `ETag: "<version>"`; a PUT or PATCH
  with `If-Match` that no longer matches is refused with 412 (`weak_etags`: `W/"<version>"`, which
  If-Match never matches, as behind a compressing proxy). `edit_after_read` lets another user change
  a record right after the next read of it, to show what a write-back does with a concurrent change;
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
import copy
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
    "MERGE_PATCH",
    "VENDOR_EXTRA_ATTRIBUUT",
    "SeenRequest",
    "VeraSimulator",
    "apply_merge_patch",
    "with_vendor_fields",
]

# The simulator's own sign-in values: known to tests and the demo, worthless anywhere else.
DEFAULT_API_KEY = "sim-api-key"
DEFAULT_CLIENT_ID = "woonbrug"
DEFAULT_CLIENT_SECRET = "sim-client-secret"  # noqa: S105 - a fixed test credential of a local simulator

MERGE_PATCH = "application/merge-patch+json"
# Another party's extension on a record (the corporation's own dossier number): not Woonbrug's to touch.
VENDOR_EXTRA_ATTRIBUUT = {"naam": "corporatie.dossiernummer", "waarde": "D-2026-0077"}

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
        merge_patch: bool = True,
        etags: bool = True,
        weak_etags: bool = False,
        replace_on_post: bool = False,
    ) -> None:
        self.api_key = api_key
        self.merge_patch = merge_patch
        self.etags = etags
        self.weak_etags = weak_etags  # as behind a compressing proxy, which weakens the ETags it passes on
        self.replace_on_post = replace_on_post  # as some vendors do: a POST of a known id replaces, no 409
        self._defaults = (merge_patch, etags, weak_etags, replace_on_post)
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
        self._edits: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
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

    def forget(self, resource: str, record_ids: Iterable[str]) -> None:
        """Drop records, as if the corporation had never entered them."""
        with self._lock:
            for record_id in record_ids:
                self._records[resource].pop(record_id, None)

    def records(self, resource: str) -> list[Any]:
        """The current bodies of a resource, in order of last change."""
        with self._lock:
            return [s.body for s in sorted(self._records[resource].values(), key=lambda s: s.seq)]

    def edit_after_read(self, resource: str, record_id: str, changes: Mapping[str, Any], times: int = 1) -> None:
        """Another user's edit: right after each of the next `times` reads of the record (GET /{id}), its
        top-level attributes `changes` are set, so the version that read handed out is stale at once."""
        with self._lock:
            self._edits[(resource, record_id)] = (dict(changes), times)

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
            self._edits.clear()
            self._seq = 0
            self.merge_patch, self.etags, self.weak_etags, self.replace_on_post = self._defaults
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
            Route("/{resource}/{id}", self._item, methods=["GET", "PUT", "PATCH"]),
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
        if request.method in ("PUT", "PATCH"):
            return await self._write(request, resource, record_id)
        with self._lock:
            stored = self._records[resource].get(record_id)
            if stored is None:
                return _problem(404, "NIET_GEVONDEN", f"no {resource} record with this id")
            response = JSONResponse(stored.body, headers=self._etag(stored))  # rendered now, before any edit
            edit = self._edits.pop((resource, record_id), None)
            if edit is not None:
                changes, times = edit
                self._store(resource, {**copy.deepcopy(stored.body), **copy.deepcopy(changes)})
                if times > 1:
                    self._edits[(resource, record_id)] = (changes, times - 1)
        return response

    def _etag(self, stored: _Stored) -> dict[str, str]:
        if not self.etags:
            return {}
        return {"ETag": ("W/" if self.weak_etags else "") + f'"{stored.seq}"'}

    def _precondition_failed(self, request: Request, stored: _Stored) -> Response | None:
        """412 when If-Match names a version that is not the current one (ETags on; `*` matches any)."""
        given = request.headers.get("If-Match")
        if not self.etags or given is None:
            return None
        current = self._etag(stored)["ETag"]
        tags = [tag.strip() for tag in given.split(",")]
        # If-Match compares strongly (RFC 9110 13.1.1): a weak ETag never matches, only `*` does.
        if "*" in tags or (not current.startswith("W/") and current in tags):
            return None
        return _problem(412, "GEWIJZIGD", "the record changed since it was read (If-Match); read it again")

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
        patching = request.method == "PATCH"
        if patching and not self.merge_patch:
            return _problem(
                405, "NIET_TOEGESTAAN", "this API takes no PATCH: PUT the whole record", {"Allow": "GET, PUT"}
            )
        if patching and request.headers.get("Content-Type", "").split(";")[0].strip().lower() != MERGE_PATCH:
            return _problem(415, "ONGELDIG", f"a PATCH body is a JSON merge patch ({MERGE_PATCH})")
        raw = await request.body()
        try:
            data = json.loads(raw)
        except ValueError:
            return _problem(400, "ONGELDIG", "body is not valid JSON")
        bodies = data if isinstance(data, list) and record_id is None else [data]
        if not bodies or not all(isinstance(b, dict) and isinstance(b.get("id", ""), str) for b in bodies):
            return _problem(400, "ONGELDIG", "body must be a VERA resource object (or an array of them)")
        # A PUT body may leave its id to the path; without it, storing would mint a new record.
        if record_id is not None and bodies[0].get("id", record_id) != record_id:
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
            if record_id is not None:
                stored = self._records[resource].get(record_id)
                if stored is None:
                    return _problem(404, "NIET_GEVONDEN", f"no {resource} record with this id to change")
                refusal = self._precondition_failed(request, stored)
                if refusal is not None:
                    return refusal
                changed = apply_merge_patch(stored.body, bodies[0]) if patching else {**bodies[0], "id": record_id}
                ids = [self._store(resource, changed)]
            else:
                known = any(b.get("id") and b["id"] in self._records[resource] for b in bodies)
                if known and not self.replace_on_post:
                    return _problem(
                        409, "BESTAAT_AL", f"{resource} holds a record with this id already: change it at its own path"
                    )
                ids = [self._store(resource, body) for body in bodies]
            status = 200 if record_id is not None else 201
            stored_now = [self._records[resource][i] for i in ids]
            reply = _Reply(
                status,
                f"/{resource}/{ids[0]}",
                json.dumps([r.body for r in stored_now] if isinstance(data, list) else stored_now[0].body).encode(),
                digest,
            )
            self.ledger.record(key or f"unkeyed:{uuid.uuid4()}", resource, data)
            if key:
                self._replies[key] = reply
            headers = {"Location": reply.location, **self._etag(stored_now[0])}
        return Response(reply.body, reply.status, media_type="application/json", headers=headers)

    def _store(self, resource: str, body: dict[str, Any]) -> str:
        """Create or replace one record (caller holds the lock); a record without an id gets one."""
        self._seq += 1
        record_id = str(body.get("id") or f"{resource[:3].upper()}-{self._seq}")
        body["id"] = record_id
        self._records[resource][record_id] = _Stored(record_id, body, self._seq)
        return record_id


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396, as a vendor applies it: objects merge, `null` deletes, anything else (arrays too) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def with_vendor_fields(body: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str | int, ...]]]:
    """A copy of `body` as a vendor's system holds it, with attributes Woonbrug does not know, and their paths.

    Added: two top-level attributes (one an object), a `leverancierCode` in every object attribute and in
    every object of a list attribute except Referentiedata values (their paths are returned), and
    `VENDOR_EXTRA_ATTRIBUUT` in `extra-attributen`.
    """
    held = copy.deepcopy(dict(body))
    paths: list[tuple[str | int, ...]] = []
    for name, value in list(held.items()):
        if isinstance(value, dict) and "code" in value:
            continue  # a Referentiedata value ({code, naam}) is VERA's code list entry, not the vendor's to extend
        if isinstance(value, dict):
            value["leverancierCode"] = f"LV-{name}"
            paths.append((name, "leverancierCode"))
        elif isinstance(value, list) and name != "extra-attributen":
            for index, item in enumerate(value):
                if isinstance(item, dict) and "code" not in item:
                    item["leverancierCode"] = f"LV-{name}-{index}"
                    paths.append((name, index, "leverancierCode"))
    held["leverancierKenmerken"] = {"behandelaar": "team-west", "dossierstatus": "in behandeling"}
    held["leverancierStatus"] = "intern-3"
    paths += [("leverancierKenmerken",), ("leverancierStatus",)]
    held.setdefault("extra-attributen", []).append(dict(VENDOR_EXTRA_ATTRIBUUT))
    return held, paths


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
