"""The VERA adapter: canonical messages to and from a corporation's VERA WRV 4.3 REST/JSON API.

Translation is `adapters.vera.mapping` (pure); this module is the transport around it:

- `deliver` POSTs a new record to its resource with an `Idempotency-Key` header and VERA's
  `X-Stuurgegevens-*` headers (sender, time of sending, correlation as Referentienummer). A change to a
  record the vendor holds (a status change, or a POST answered 409 because the vendor has that id) is
  merged, never replaced: GET the record and its ETag, merge Woonbrug's fields in (`writeback`: every
  attribute and extra-attribuut that is not Woonbrug's stays), and write it back with If-Match, as a
  JSON merge patch (PATCH, `application/merge-patch+json`) where the API takes one, else as a PUT of the
  merged record. A 412 (changed in between) reads and merges again, `write_attempts` times at most;
- `poll` reads resource lists with VERA's cursor paging (`cursor` query parameter, `X-Parameters-Cursor`
  / `X-Parameters-Aantal` response headers, `X-Parameters-AantalPerPagina` request header). Of
  `/eenheden` only vacancies become messages (`eenheidstatus`); other units are counted as skipped;
- `parse_webhook` decodes a VERA body the vendor pushed, optionally checking an HMAC signature.

Every call goes through `Adapter.request`, the SDK boundary, so timeouts, resets, 5xx and 429 (with its
Retry-After) leave as `TransientError` and other 4xx as `PermanentError`. Sign-in is an API key or an
OAuth2 client-credentials token, fetched once, cached until shortly before it expires, and fetched
again once when the API answers 401.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin

import httpx

from adapters.sdk.adapter import (
    Adapter,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    PollResult,
    Transport,
    VendorPayload,
)
from adapters.sdk.boundary import vendor_boundary
from adapters.sdk.errors import MappingError, PermanentError, TransientError
from adapters.vera import mapping, writeback
from adapters.vera.config import VeraConfig
from adapters.vera.eenheidstatus import UnitStatus, unit_status
from schemas import Message, MessageSource

__all__ = ["RESOURCE_HEADER", "SIGNATURE_HEADER", "VeraAdapter"]

RESOURCE_HEADER = "X-Vera-Resource"  # names the resource of a webhook body without a Woonbrug envelope
SIGNATURE_HEADER = "X-Woonbrug-Signature"  # "sha256=<hex HMAC of the body>" when a webhook secret is set
REPLAYED_HEADER = "Idempotent-Replayed"  # a VERA system that recognised the Idempotency-Key says so
MERGE_PATCH = "application/merge-patch+json"  # RFC 7396
# What an API without merge patch answers a PATCH: Method Not Allowed, Unsupported Media Type, Not Implemented.
_NO_PATCH_STATUSES = frozenset({405, 415, 501})
logger = logging.getLogger("adapters.vera")
_TYPES = frozenset(t for r in mapping.RESOURCES.values() for t in r.message_types)


@dataclass
class _Token:
    value: str
    expires_at: float


class VeraAdapter(Adapter[VeraConfig]):
    """Connects a corporation system that speaks VERA WRV 4.3 over REST/JSON."""

    name = "vera"
    version = "1.0.0"
    description = "VERA WRV 4.3 REST/JSON (Aedes datastandaarden): publicaties, kandidaten, aanbiedingen, ..."
    capabilities = Capabilities(
        decodes=_TYPES,
        encodes=_TYPES,
        transports=frozenset({Transport.PUSH, Transport.POLL, Transport.WEBHOOK}),
    )
    config_model = VeraConfig

    def __init__(
        self,
        config: VeraConfig,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(config, client=client)
        self._clock = clock
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()
        self._merge_patch = config.merge_patch  # None until the API has shown whether it takes a merge patch

    # --- translation ----------------------------------------------------------------------------------

    def _context(self) -> mapping.DecodeContext:
        source = MessageSource(tenant=self.config.source_tenant, system=self.config.source_system)
        return mapping.DecodeContext(source, datetime.now(UTC), self.config.max_field_chars)

    def decode(self, payload: bytes) -> Iterator[Decoded]:
        """A VERA object or page -> messages. Records without a `woonbrug.bericht.type` extra-attribuut
        are read as records of the configured `resource`; `decode_resource` names another."""
        return self.decode_resource(payload, self.config.resource)

    def decode_resource(self, payload: bytes, resource: str | None) -> Iterator[Decoded]:
        """Decode records read from `resource` (`publicaties`, ...): their type follows from their status."""
        data = mapping.parse_json(payload, max_bytes=self.config.max_body_bytes)
        for item in mapping.decode_records(data, resource=resource, context=self._context()):
            yield self._own(item)

    def _encoded(self, message: Message) -> mapping.Encoded:
        with vendor_boundary(self.name):  # names this adapter on UnsupportedOperation
            return mapping.encode(message)

    def encode(self, message: Message) -> VendorPayload:
        encoded = self._encoded(message)
        return VendorPayload(
            body=json.dumps(encoded.body, ensure_ascii=False, separators=(",", ":")).encode(),
            content_type="application/json",
            metadata={"resource": encoded.resource, "method": encoded.method, "path": encoded.path},
        )

    def encode_many(self, messages: Iterable[Message]) -> VendorPayload:
        """Several messages as one VERA page: a JSON array of resource bodies (what a list GET returns)."""
        records: list[Any] = []
        for message in messages:
            body = self._encoded(message).body
            records.extend(body if isinstance(body, list) else [body])
        return VendorPayload(json.dumps(records, ensure_ascii=False).encode(), "application/json")

    def _own(self, item: Decoded) -> Decoded:
        if isinstance(item, MappingError) and item.adapter is None:
            item.adapter = self.name
        return item

    # --- transport ------------------------------------------------------------------------------------

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        """POST a new record; merge a change into the record the vendor holds (see `_write_back`).

        A POST the vendor answers 409 (it holds that id already: a Toewijzing it entered itself, a
        kandidaat that responded before the list) is merged into that record too, never replaced.
        """
        encoded = self._encoded(message)
        headers = _stuurgegevens(message, idempotency_key)
        if encoded.method == "PUT" and encoded.record_id is not None:
            assert isinstance(encoded.body, dict)  # only a kandidatenlijst is a list, and it is a POST
            return await self._write_back(encoded.resource, encoded.record_id, encoded.body, headers)
        if self.config.read_before_create and await self._holds_any(encoded):
            return await self._merge_existing(encoded, headers)
        body = json.dumps(encoded.body, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            response = await self._call("POST", f"/{encoded.resource}", content=body, headers=headers)
        except PermanentError as error:
            if error.status != 409:
                raise
            return await self._merge_existing(encoded, headers)
        return DeliveryReceipt(
            idempotency_key=idempotency_key,
            vendor_reference=_reference(response, encoded.record_id),
            duplicate=_replayed(response),
            status=response.status_code,
        )

    async def _holds_any(self, encoded: mapping.Encoded) -> bool:
        """Whether the API holds a record with an id of those about to be created (`read_before_create`)."""
        records = encoded.body if isinstance(encoded.body, list) else [encoded.body]
        for record in records:
            record_id = record.get("id")
            if isinstance(record_id, str):
                path = f"/{encoded.resource}/{quote(record_id, safe='')}"
                if await self._read_current(encoded.resource, path, create_missing=True) is not None:
                    return True
        return False

    async def _merge_existing(self, encoded: mapping.Encoded, headers: dict[str, str]) -> DeliveryReceipt:
        """After a 409 on POST (or a read that found the record): merge each record into the vendor's;
        records it lacks are created one by one.

        The merge writes carry a key derived from the delivery's (`<key>:merge`, `<key>:<id>` per record of
        a page): the POST that met the 409 may be remembered under the delivery's own key.
        """
        key = headers["Idempotency-Key"]
        records = encoded.body if isinstance(encoded.body, list) else [encoded.body]
        receipts: list[DeliveryReceipt] = []
        for record in records:
            record_id = record.get("id")
            if not isinstance(record_id, str):
                raise PermanentError(
                    f"{encoded.resource}: the vendor refused the POST as a conflict (HTTP 409) and the record "
                    "has no id to merge into",
                    adapter=self.name,
                    status=409,
                )
            page = isinstance(encoded.body, list)
            part = f"{key}:{record_id}" if page else f"{key}:merge"
            receipts.append(
                await self._write_back(
                    encoded.resource, record_id, record, {**headers, "Idempotency-Key": part}, create_missing=page
                )
            )
        return DeliveryReceipt(
            idempotency_key=key,
            vendor_reference=receipts[0].vendor_reference,
            duplicate=all(receipt.duplicate for receipt in receipts),
            status=receipts[0].status if len(receipts) == 1 else 200,
        )

    async def _write_back(
        self,
        resource: str,
        record_id: str,
        ours: dict[str, Any],
        headers: dict[str, str],
        *,
        create_missing: bool = False,
    ) -> DeliveryReceipt:
        """Merge `ours` into the vendor's record: read it (with its ETag), merge, write it back conditionally.

        A 412 (someone changed the record between our read and our write) starts over from a fresh read,
        up to `write_attempts` times; then it is a TransientError, for the delivery's own retries.
        """
        path = f"/{resource}/{quote(record_id, safe='')}"
        key = headers["Idempotency-Key"]
        for _ in range(self.config.write_attempts):
            read = await self._read_current(resource, path, create_missing=create_missing)
            if read is None:  # create_missing and the vendor has no such record: a plain create
                body = json.dumps(ours, ensure_ascii=False, separators=(",", ":")).encode()
                response = await self._call("POST", f"/{resource}", content=body, headers=headers)
                return DeliveryReceipt(key, _reference(response, record_id), _replayed(response), response.status_code)
            current, etag = read
            merged = writeback.merge_record(current, ours)
            conditional = {**headers, "If-Match": etag} if etag else headers
            try:
                response = await self._write_merged(path, ours, merged, conditional)
            except PermanentError as error:
                if error.status == 412:
                    continue
                raise
            return DeliveryReceipt(key, _reference(response, record_id), _replayed(response), response.status_code)
        raise TransientError(
            f"{resource} record changed at the vendor during each of {self.config.write_attempts} write-back "
            "attempts (HTTP 412 on If-Match); nothing was overwritten, try again later",
            adapter=self.name,
            status=412,
        )

    async def _read_current(
        self, resource: str, path: str, *, create_missing: bool
    ) -> tuple[dict[str, Any], str | None] | None:
        """The vendor's record and its strong ETag (None when it offers none); None when absent and `create_missing`."""
        try:
            response = await self._call(
                "GET", path, headers={"X-Stuurgegevens-Zender-Organisatie": self.config.source_tenant}
            )
        except PermanentError as error:
            if error.status == 404 and create_missing:
                return None
            raise
        try:
            current = mapping.parse_json(response.content, max_bytes=self.config.max_body_bytes)
        except MappingError as error:
            current, reason = None, error.reason
        else:
            reason = "a VERA record is a JSON object"
        if not isinstance(current, dict):
            # Writing without knowing what the vendor holds could erase it: not now, later.
            raise TransientError(
                f"GET /{resource}/{{id}} before a write-back answered no readable record ({reason}); nothing written",
                adapter=self.name,
                status=response.status_code,
            )
        etag: str | None = response.headers.get("ETag") or None
        # If-Match compares strongly, so a weak ETag (W/"...", e.g. from a compressing proxy) would be
        # refused with 412 on every try: without a strong one the write goes unconditional.
        return current, etag if etag and not etag.startswith("W/") else None

    async def _write_merged(
        self, path: str, ours: dict[str, Any], merged: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        """PATCH a merge patch where the API takes one (configured, or found out on first try), else PUT."""
        if self._merge_patch is not False:
            patch = json.dumps(writeback.patch_body(ours, merged), ensure_ascii=False, separators=(",", ":"))
            try:
                return await self._call(
                    "PATCH", path, content=patch.encode(), headers={**headers, "Content-Type": MERGE_PATCH}
                )
            except (PermanentError, TransientError) as error:
                if self._merge_patch is True or error.status not in _NO_PATCH_STATUSES:
                    raise
                self._merge_patch = False  # found out: this API has no merge patch; PUT from now on
        body = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode()
        return await self._call("PUT", path, content=body, headers=headers)

    async def poll(self, cursor: str | None) -> PollResult:
        """Read every configured resource from its cursor on, page after page (up to `max_pages_per_poll`).

        The returned cursor holds one VERA cursor per resource. A page that cannot be read becomes a reject
        and that resource's cursor stays before it, so nothing is skipped.
        """
        cursors = _read_cursor(cursor)
        messages: list[Message] = []
        rejects: list[MappingError] = []
        skipped = 0
        notices: list[str] = []
        for resource in self.config.poll_resources:
            records, cursors[resource], failure = await self._read_pages(resource, cursors.get(resource))
            if failure is not None:
                rejects.append(failure)
            if resource == "eenheden":
                records, passed_over, notice = _vacancies(records)
                skipped += passed_over
                notices.extend([notice] if notice else [])
            for item in mapping.decode_records(records, resource=resource, context=self._context()):
                if isinstance(item, MappingError):
                    item.adapter = item.adapter or self.name
                    rejects.append(item)
                else:
                    messages.append(item)
        for notice in notices:
            logger.info("%s poll: %s", self.name, notice)
        known = {name: value for name, value in cursors.items() if value is not None}
        return PollResult(
            messages, rejects, json.dumps(known, sort_keys=True) if known else None, skipped=skipped, notices=notices
        )

    async def _read_pages(self, resource: str, cursor: str | None) -> tuple[list[Any], str | None, MappingError | None]:
        """Raw records of `resource` after `cursor`, the cursor after the last page read, and a failure."""
        records: list[Any] = []
        headers = {
            "X-Parameters-AantalPerPagina": str(self.config.page_size),
            "X-Stuurgegevens-Zender-Organisatie": self.config.source_tenant,
        }
        for _ in range(self.config.max_pages_per_poll):
            params = {"cursor": cursor} if cursor else {}
            response = await self._call("GET", f"/{resource}", params=params, headers=headers)
            try:
                page = mapping.parse_json(response.content, max_bytes=self.config.max_body_bytes)
                if not isinstance(page, list):
                    raise MappingError("a VERA list response is a JSON array")
            except MappingError as error:
                error.reason = f"GET /{resource}: {error.reason}"
                error.adapter = self.name
                return records, cursor, error
            records.extend(page)
            following = response.headers.get("X-Parameters-Cursor") or None
            total = _int_header(response, "X-Parameters-Aantal")
            # X-Parameters-Aantal counts what this request found; more than one page means read on.
            more = len(page) >= self.config.page_size and (total is None or total > len(page))
            if following is None or following == cursor:
                break  # a vendor without cursors is read from the start each time; ids keep that idempotent
            cursor = following
            if not more:
                break
        return records, cursor, None

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[Decoded]:
        """A VERA body the vendor pushed. With a webhook secret, the HMAC signature must match."""
        lowered = {key.lower(): value for key, value in headers.items()}
        secret = self.config.webhook_secret
        if secret is not None:
            expected = "sha256=" + hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
            given = lowered.get(SIGNATURE_HEADER.lower(), "")
            if not hmac.compare_digest(expected, given):
                raise PermanentError("webhook signature missing or wrong", adapter=self.name)
        try:
            return list(self.decode_resource(body, lowered.get(RESOURCE_HEADER.lower(), self.config.resource)))
        except MappingError as error:
            return [self._own(error)]

    # --- HTTP and sign-in -----------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if not self.config.base_url:
            raise PermanentError("base_url is not configured (WOONBRUG_VERA_BASE_URL)", adapter=self.name)
        return self.config.base_url.rstrip("/") + path

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One API call, signed in; on 401 with OAuth2 the token is fetched again once and the call retried."""
        url = self._url(path)
        headers = dict(kwargs.pop("headers", {}))
        for attempt in (1, 2):
            headers.update(await self._auth_headers())
            try:
                return await self.request(method, url, headers=headers, timeout=self.config.timeout_seconds, **kwargs)
            except PermanentError as error:
                if error.status == 401 and self.config.uses_oauth2 and attempt == 1:
                    self._token = None
                    continue
                if error.status == 401:
                    error.reason = f"{self.name} API refused the credentials (HTTP 401)"
                raise
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _auth_headers(self) -> dict[str, str]:
        if self.config.api_key is not None:
            return {self.config.api_key_header: self.config.api_key.get_secret_value()}
        if self.config.uses_oauth2:
            return {"Authorization": f"Bearer {await self._access_token()}"}
        return {}

    async def _access_token(self) -> str:
        async with self._token_lock:
            if self._token is None or self._clock() >= self._token.expires_at:
                self._token = await self._fetch_token()
            return self._token.value

    async def _fetch_token(self) -> _Token:
        config = self.config
        assert config.token_url is not None
        assert config.client_id is not None
        assert config.client_secret is not None
        url = urljoin(self._url("/"), config.token_url)
        form = {"grant_type": "client_credentials", **({"scope": config.scope} if config.scope else {})}
        try:
            response = await self.request(
                "POST",
                url,
                data=form,
                auth=(config.client_id, config.client_secret.get_secret_value()),
                timeout=config.timeout_seconds,
            )
        except PermanentError as error:
            error.reason = f"token endpoint refused the client credentials (HTTP {error.status})"
            raise
        try:
            answer = response.json()
            token, lifetime = answer["access_token"], float(answer.get("expires_in", 300))
        except (ValueError, KeyError, TypeError) as error:
            raise PermanentError("token endpoint answered without an access_token", adapter=self.name) from error
        if not isinstance(token, str) or not token:
            raise PermanentError("token endpoint answered without an access_token", adapter=self.name)
        # Refresh a little early, so a token never expires between our check and the vendor's.
        return _Token(token, self._clock() + lifetime - min(30.0, lifetime / 10))


def _stuurgegevens(message: Message, idempotency_key: str) -> dict[str, str]:
    """Headers of every write: the Idempotency-Key and VERA's X-Stuurgegevens-* (sender, time, reference)."""
    return {
        "Idempotency-Key": idempotency_key,
        "Content-Type": "application/json",
        "X-Stuurgegevens-Zender-Organisatie": message.source.tenant,
        "X-Stuurgegevens-Zender-Administratie": message.source.system,
        "X-Stuurgegevens-Referentienummer": message.correlation_id,
        "X-Stuurgegevens-Tijdstip-Bericht": _now_text(),
    }


def _replayed(response: httpx.Response) -> bool:
    replayed: str = response.headers.get(REPLAYED_HEADER, "")
    return replayed.lower() == "true"


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _reference(response: httpx.Response, fallback: str | None) -> str | None:
    """The vendor's id of what it stored: the last segment of Location (VERA's 201), else the body's id."""
    location: str | None = response.headers.get("Location")
    if location:
        return unquote(location.rstrip("/").rsplit("/", 1)[-1])
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        reference: str = body["id"]
        return reference
    return fallback


def _vacancies(records: list[Any]) -> tuple[list[Any], int, str | None]:
    """The polled Eenheid records that are vacancies (`eenheidstatus`), how many were passed over, and a
    notice when some had no status and were read as vacancies (said once per poll, not per unit)."""
    kept: list[Any] = []
    unknown = 0
    for record in records:
        status = unit_status(record)
        if status is UnitStatus.NOT_VACANT:
            continue
        if status is UnitStatus.UNKNOWN and isinstance(record, dict) and not _states_its_type(record):
            unknown += 1
        kept.append(record)
    notice = None
    if unknown:
        notice = (
            f"{unknown} of {len(records)} eenheden carry no status (EENHEIDSTATUS); read as vacancies, "
            "as before eenheidstatus was honoured"
        )
    return kept, len(records) - len(kept), notice


def _states_its_type(record: dict[str, Any]) -> bool:
    """A record Woonbrug wrote names its message type in an extra-attribuut: nothing is assumed about it."""
    extras = record.get("extra-attributen")
    naam = mapping.ENVELOPE_PREFIX + "type"
    return isinstance(extras, list) and any(isinstance(e, dict) and e.get("naam") == naam for e in extras)


def _int_header(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def _read_cursor(cursor: str | None) -> dict[str, str | None]:
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise PermanentError("poll cursor is not one the vera adapter issued", adapter="vera")
    return dict(data)
