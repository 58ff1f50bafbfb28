"""Pure translation between canonical messages and VERA WRV 4.3 REST/JSON resources.

No I/O here: `encode` turns a canonical message into the body of one VERA resource (or, for a
kandidatenlijst, a page of them); `decode_payload` turns a VERA body or page back into messages.

How a message travels in VERA
-----------------------------
- The canonical payload already speaks VERA (names, camelCase, Referentiedata `{code, naam}`, UTC `...Z`),
  so most of it *is* the VERA body. Each VERA resource below names the few canonical fields that VERA has
  no attribute for (`Resource.extras`); those travel in the body's `extra-attributen` — VERA's own
  extension point (`Bericht-basis`) — as `{"naam": "woonbrug.veld.<path>", "waarde": "<JSON text>"}`.
  The body stays valid against the VERA schema and a VERA system keeps what it does not understand.
- The envelope (type, message id, correlation id, causation id, source, occurred-at, schema version)
  travels the same way, as `woonbrug.bericht.<name>` extra-attributen with plain string values. HTTP
  headers (the VERA `X-Stuurgegevens-*` ones, set by the adapter) repeat the correlation id and sender,
  but the body alone is enough to rebuild the message: a file, a webhook or a poll decodes the same.
- A VERA record that carries no `woonbrug.bericht.type` (a vendor's own data, read by polling) gets its
  type from the resource and its status (`Resource.types`), and a synthesised envelope: a message id
  derived from its content (so polling the same record twice yields the same id), a correlation id
  derived from its publicatie (or its own id), the configured source and the time it was received.
- A vendor that changes a record we sent keeps our extra-attributen (as VERA asks of it). When the
  record's status no longer matches the stated type, it is the vendor's own event: typed by its status,
  with a content-derived message id, our correlation id and our message id as its causation id.
- A kandidatenlijst is a page of Kandidaat records that share one message id; the list's own fields
  travel as `woonbrug.lijst.<name>` extra-attributen, with the count, so a page that lost a kandidaat is
  refused instead of taken for a shorter list. An empty kandidatenlijst has no VERA form and is refused.

Bad data never crashes and never sinks a page: each record that cannot be translated becomes one
`MappingError` with its record number and field path (`eenheden[0].kamersAantal`); malformed JSON is
located by line and column; oversized bodies, fields and nesting are refused with the limit named.
Error texts carry names and positions, never values (vendor data holds personal data).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import typing
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import pydantic
from pydantic import BaseModel

from adapters.sdk.errors import Location, MappingError, Problem, UnsupportedOperation
from schemas import MESSAGE_TYPES, Kandidaat, Message, MessageSource

__all__ = [
    "ENVELOPE_PREFIX",
    "FIELD_PREFIX",
    "KEPT",
    "LIST_PREFIX",
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "MAX_FIELD_CHARS",
    "PERSONAL_ATTRIBUTES",
    "RESOURCES",
    "UNSUPPORTED_ATTRIBUTES",
    "DecodeContext",
    "Encoded",
    "Resource",
    "decode_payload",
    "decode_records",
    "encode",
    "parse_json",
    "resource_for_type",
]

KEPT = "veraOverig"  # the canonical field that keeps VERA attributes Woonbrug does not model
ENVELOPE_PREFIX = "woonbrug.bericht."
FIELD_PREFIX = "woonbrug.veld."
LIST_PREFIX = "woonbrug.lijst."

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_FIELD_CHARS = 10_000  # the canonical model's own longest text
MAX_DEPTH = 32  # VERA nests a few levels; anything deeper is not a VERA resource

# VERA attributes that describe people (a relatie, a woningzoekende, their names, birth dates, contact
# details, income). Woonbrug keeps only the personal data it models, typed as such; these are named in a
# notice and left to the vendor's own record (write-back merges, so the vendor keeps them).
PERSONAL_ATTRIBUTES = frozenset(
    {
        "relatie",
        "relaties",
        "woningzoekende",
        "woningzoekenden",
        "natuurlijkPersoon",
        "natuurlijkePersonen",
        "persoon",
        "personen",
        "huishouden",
        "huishoudens",
        "contactgegevens",
        "contactpersoon",
        "voornaam",
        "voornamen",
        "achternaam",
        "geboortedatum",
        "bsn",
        "burgerservicenummer",
        "inkomen",
        "inkomens",
        "emailadres",
        "telefoonnummer",
    }
)

# The adapter's declared list of VERA attributes it does not carry through (everything else it does not
# model is kept in `veraOverig` and written back): the personal data above, named in a notice.
UNSUPPORTED_ATTRIBUTES = PERSONAL_ATTRIBUTES

# VERA's Bericht-basis attributes: message plumbing, never part of the canonical payload.
_BERICHT_BASIS = ("extra-attributen", "informatieobjecten", "sturingslabels")

_ID_NAMESPACE = uuid.UUID("6f1c7b52-3a7e-4f39-9b8e-0c6a5e4f2d11")  # Woonbrug's namespace for derived ids
_KANDIDATENLIJST = "kandidatenlijst.vrijgegeven"


@dataclass(frozen=True)
class Resource:
    """One VERA WRV resource and how canonical messages map onto it.

    `types` maps the code of `discriminator` (a Referentiedata attribute of the body) to the message type
    a record means; with no discriminator every record is `types[""]`. `updates` are the message types
    that change an existing record (PUT /{name}/{id}) rather than create one (POST /{name}).
    `extras` are canonical paths (relative to the payload, `[*]` for every list item) with no VERA
    attribute. `body` names the payload field that is the VERA body when the payload wraps it.
    """

    name: str
    vera_schema: str
    types: Mapping[str, str]
    discriminator: str | None = None
    updates: frozenset[str] = frozenset()
    extras: tuple[str, ...] = ()
    body: str | None = None
    # Discriminator code -> every message type a record with that code can be (the first is what a
    # vendor's own record means): an Inschrijving is registered, changed or ended on the same record.
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Message type -> the discriminator value its body is stamped with when the payload has no such field.
    stamps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def message_types(self) -> frozenset[str]:
        extra = {_KANDIDATENLIJST} if self.name == "kandidaten" else set()
        variants = {t for types in self.variants.values() for t in types}
        return frozenset(self.types.values()) | extra | variants


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            "publicaties",
            "Publicaties-Publicatiebericht",
            {"GEP": "publicatie.aangeboden", "ING": "publicatie.ingetrokken", "AFG": "publicatie.afgerond"},
            discriminator="status",
            updates=frozenset({"publicatie.ingetrokken", "publicatie.afgerond"}),
            extras=("eenheden[*].lift", "lotingzaadCommitment"),
        ),
        Resource(
            "eenheden",
            "Eenheden-Eenheidbericht",
            {"": "eenheid.vrijgekomen"},
            extras=("eenheid.lift", "beschikbaarPer", "gewenstModel"),
            body="eenheid",
        ),
        Resource(
            "kandidaten",
            "Kandidaten-Kandidaatbericht",
            {"REA": "reactie.ontvangen", "AFG": "reactie.ingetrokken"},
            discriminator="status",
            updates=frozenset({"reactie.ingetrokken"}),
            extras=("publicatie", "inschrijving", "reactiedatum", "rangschikking", "passendheidsoort"),
        ),
        Resource(
            "aanbiedingen",
            "Aanbiedingen-Aanbiedingbericht",
            {
                "AAN": "aanbieding.gedaan",
                "GEW": "aanbieding.geweigerd",
                "ING": "aanbieding.verlopen",
                "TOE": "aanbieding.geaccepteerd",
            },
            discriminator="status",
            updates=frozenset({"aanbieding.geweigerd", "aanbieding.verlopen", "aanbieding.geaccepteerd"}),
            extras=("kandidaat", "inschrijving", "aangebodenOp", "reagerenVoor"),
        ),
        Resource(
            "toewijzingen",
            "Toewijzingen-Toewijzingbericht",
            {"": "toewijzing.gedaan"},
            extras=(
                "publicatie",
                "inschrijving",
                "voorrangsregelingen[*].status",
                "voorrangsregelingen[*].gemeente",
            ),
        ),
        Resource(
            "overeenkomsten",
            "Overeenkomsten-Overeenkomstbericht",
            # A registration as home seeker is VERA's Overeenkomsten-Inschrijving: an Overeenkomst of soort
            # INS. What Woonbrug knows of the household has no attribute there (VERA keeps people in
            # Relaties): it travels as extra-attributen.
            {"HUU": "overeenkomst.getekend", "INS": "inschrijving.geregistreerd"},
            discriminator="soort",
            updates=frozenset({"inschrijving.gewijzigd", "inschrijving.beeindigd"}),
            extras=(
                "eenheid",
                "toewijzing",
                "inschrijving",
                "huurprijs",
                "aanvrager",
                "medeaanvrager",
                "aantalVolwassenen",
                "aantalKinderen",
                "inkomen",
                "woonsituatie",
                "gemeente",
                "voorrangsregelingen",
            ),
            variants={"INS": ("inschrijving.geregistreerd", "inschrijving.gewijzigd", "inschrijving.beeindigd")},
            stamps={
                message_type: {"code": "INS", "naam": "Inschrijving"}
                for message_type in ("inschrijving.geregistreerd", "inschrijving.gewijzigd", "inschrijving.beeindigd")
            },
        ),
        Resource("sancties", "Sancties-Sanctiebericht", {"": "sanctie.opgelegd"}),
        Resource(
            "reclamaties",
            "Reclamaties-Reclamatiebericht",
            {"": "reclamatie.ingediend"},
            extras=("inschrijving", "publicatie", "sanctie"),
        ),
    )
}

_RESOURCE_BY_TYPE: dict[str, Resource] = {t: r for r in RESOURCES.values() for t in r.message_types}

_ENVELOPE_FIELDS = (
    "type",
    "messageId",
    "correlationId",
    "causationId",
    "occurredAt",
    "source.tenant",
    "source.system",
    "schemaVersion",
)

_LIST_FIELDS = ("publicatie", "idOrganisatie", "vastgesteldOp", "lotingzaad")


def resource_for_type(message_type: str) -> Resource:
    """The VERA resource a message type lives on; `UnsupportedOperation` when VERA has none here."""
    resource = _RESOURCE_BY_TYPE.get(message_type)
    if resource is None:
        raise UnsupportedOperation(f"the VERA adapter has no resource for message type {message_type!r}")
    return resource


# --- paths ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


def _tokens(path: str) -> list[str | int | None]:
    """`eenheden[*].lift` -> ["eenheden", None, "lift"] (None: every item; int: one item)."""
    out: list[str | int | None] = []
    for name, index in _TOKEN.findall(path):
        if name:
            out.append(name)
        else:
            out.append(None if index == "*" else int(index))
    return out


def format_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """("eenheden", 0, "kamersAantal") -> "eenheden[0].kamersAantal"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _pop_matches(data: Any, tokens: list[str | int | None], here: list[str | int]) -> Iterator[tuple[str, Any]]:
    """Remove every value at `tokens` (wildcards expanded) from `data`, yielding (concrete path, value)."""
    head, rest = tokens[0], tokens[1:]
    if head is None or isinstance(head, int):
        if not isinstance(data, list):
            return
        indices = range(len(data)) if head is None else [head] if head < len(data) else []
        for i in indices:
            yield from _pop_matches(data[i], rest, [*here, i])
        return
    if not isinstance(data, dict) or head not in data:
        return
    if not rest:
        yield format_path([*here, head]), data.pop(head)
    else:
        yield from _pop_matches(data[head], rest, [*here, head])


def _set_path(data: dict[str, Any], path: str, value: Any) -> bool:
    """Set `value` at a concrete path, creating objects on the way; False when a list item is missing."""
    tokens = _tokens(path)
    target: Any = data
    for token, following in zip(tokens, [*tokens[1:], ""], strict=True):
        last = following == ""
        if isinstance(token, int):
            if not (isinstance(target, list) and token < len(target)):
                return False
            if last:
                target[token] = value
            else:
                target = target[token]
            continue
        if not isinstance(target, dict) or token is None:
            return False
        if last:
            target[token] = value
        else:
            target = target.setdefault(token, [] if isinstance(following, int) else {})
    return True


# --- encode -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    """A VERA request body for one message: where it goes (`method` on `path`) and what it says."""

    resource: str
    method: str  # POST creates, PUT replaces an existing record
    path: str  # "/publicaties" or "/publicaties/P-2001" (the id is URL-quoted by the transport)
    record_id: str | None
    body: dict[str, Any] | list[dict[str, Any]]


def _extra(naam: str, waarde: str) -> dict[str, str]:
    return {"naam": naam, "waarde": waarde}


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _envelope_extras(message: Message) -> list[dict[str, str]]:
    data = message.model_dump(mode="json", exclude={"payload"})
    out = []
    for name in _ENVELOPE_FIELDS:
        value: Any = data
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            out.append(_extra(ENVELOPE_PREFIX + name, str(value)))
    return out


def _vera_record(
    resource: Resource, payload: dict[str, Any], head: list[dict[str, str]], message_type: str | None = None
) -> dict[str, Any]:
    """One VERA body from a canonical payload dump: extras moved out, VERA's types applied."""
    extras = list(head)
    for pattern in resource.extras:
        for path, value in _pop_matches(payload, _tokens(pattern), []):
            extras.append(_extra(FIELD_PREFIX + path, _json_text(value)))
    body = payload.pop(resource.body) if resource.body else payload
    stamp = resource.stamps.get(message_type) if message_type else None
    if stamp is not None and resource.discriminator:
        body = {resource.discriminator: dict(stamp), **body}
    if resource.body:
        # What is left of a wrapping payload has no VERA attribute: it travels as extras too.
        extras.extend(_extra(FIELD_PREFIX + key, _json_text(value)) for key, value in payload.items())
    body = cast(dict[str, Any], _with_kept_attributes(_without_empty(body)))
    kept_extras = body.pop("extra-attributen", None)
    if isinstance(kept_extras, list):
        # Another party's extra-attributen, kept on decode: they go back first, as they came.
        extras = [*kept_extras, *extras]
    return {**body, "extra-attributen": extras}


def _without_empty(value: Any) -> Any:
    """Drop empty lists and objects: VERA leaves an absent value out, and the model's empty defaults
    (no criteria, no voorwaarden) must not appear in a body that never had them. Kept attributes
    (`veraOverig`) are put back afterwards, so an empty list a vendor did send still returns."""
    if isinstance(value, dict):
        return {
            key: _without_empty(item) if key != KEPT else item
            for key, item in value.items()
            if key == KEPT or not (isinstance(item, list | dict) and not item)
        }
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def _with_kept_attributes(value: Any) -> Any:
    """Put every kept VERA attribute (`veraOverig`: JSON pointer -> value) back where it was read."""
    if isinstance(value, list):
        return [_with_kept_attributes(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept = value.pop(KEPT, None)
    out = {key: _with_kept_attributes(item) for key, item in value.items()}
    if isinstance(kept, dict):
        for pointer, item in kept.items():
            _set_pointer(out, pointer, item)
    return out


def _pointer_tokens(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _escape(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _set_pointer(data: dict[str, Any], pointer: str, value: Any) -> None:
    """Set `value` at `pointer` unless something is there already (the model's value wins: what Woonbrug
    changed stays changed; a text the model only normalised goes back as the vendor spelled it), creating
    objects on the way; a pointer into a list item that is gone is dropped
    with that item (the item itself was removed, e.g. a criterium the flow took off)."""
    tokens = _pointer_tokens(pointer)
    target: Any = data
    for token in tokens[:-1]:
        if isinstance(target, list):
            if not token.isdigit() or int(token) >= len(target):
                return
            target = target[int(token)]
        elif isinstance(target, dict):
            target = target.setdefault(token, {})
        else:
            return
    if isinstance(target, dict) and tokens:
        current = target.setdefault(tokens[-1], value)
        if isinstance(current, str) and isinstance(value, str) and _same_text(current, value):
            target[tokens[-1]] = value  # the model only normalised it: the vendor's spelling goes back


def _same_text(left: str, right: str) -> bool:
    return "".join(left.split()).upper() == "".join(right.split()).upper()


def encode(message: Message) -> Encoded:
    """A canonical message as the VERA body of its resource. Raises `UnsupportedOperation` for a type
    this adapter has no VERA resource for, and for an empty kandidatenlijst (VERA keeps candidates)."""
    resource = resource_for_type(message.type)
    envelope = _envelope_extras(message)
    payload = message.payload.model_dump(mode="json")
    if message.type == _KANDIDATENLIJST:
        kandidaten = payload.pop("kandidaten")
        if not kandidaten:
            raise UnsupportedOperation("an empty kandidatenlijst has no VERA form (/kandidaten holds candidates)")
        lijst = [_extra(LIST_PREFIX + key, _json_text(payload[key])) for key in _LIST_FIELDS if key in payload]
        lijst.append(_extra(LIST_PREFIX + "aantal", str(len(kandidaten))))
        records = [_vera_record(resource, kandidaat, [*envelope, *lijst]) for kandidaat in kandidaten]
        return Encoded(resource.name, "POST", f"/{resource.name}", None, records)
    body = _vera_record(resource, payload, envelope, message.type)
    record_id = str(body.get("id")) if body.get("id") is not None else None
    if message.type in resource.updates and record_id is not None:
        return Encoded(resource.name, "PUT", f"/{resource.name}/{record_id}", record_id, body)
    return Encoded(resource.name, "POST", f"/{resource.name}", record_id, body)


# --- parse --------------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(payload: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """Bytes -> JSON value, or a MappingError that says where (line and column) or which limit."""
    if len(payload) > max_bytes:
        raise MappingError(f"body of {len(payload):,} bytes is over the limit of {max_bytes:,} bytes; refused unread")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MappingError(f"body is not UTF-8 (bad byte at offset {error.start})") from error
    if not text.strip():
        raise MappingError("empty body: expected a VERA JSON object or an array of them")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise MappingError(
            f"malformed JSON: {error.msg}", location=Location(line=error.lineno, column=error.colno)
        ) from error
    except ValueError as error:  # NaN / Infinity
        raise MappingError(f"malformed JSON: {error}") from error
    except RecursionError as error:
        raise MappingError(f"JSON nested too deeply (limit {MAX_DEPTH} levels)") from error


def _within_limits(value: Any, max_chars: int, depth: int = 0) -> bool:
    """Fast check: no string over `max_chars`, no attribute name over 200, no nesting over MAX_DEPTH.

    A loop over a stack with exact type tests (parsed JSON has exactly dict, list, str, ...): this runs
    over every record received, so it avoids recursion, generators and building paths.
    """
    stack: list[tuple[Any, int]] = [(value, depth)]
    while stack:
        node, level = stack.pop()
        kind = type(node)
        if kind is str:
            if len(node) > max_chars:
                return False
            continue
        if kind is not dict and kind is not list:
            continue
        if level >= MAX_DEPTH:
            return False
        if kind is dict:
            if node and max(map(len, node)) > 200:
                return False
            node = node.values()
        for child in node:
            kind = type(child)
            if kind is str:
                if len(child) > max_chars:
                    return False
            elif kind is dict or kind is list:
                stack.append((child, level + 1))
    return True


def _oversized(value: Any, here: list[str | int], max_chars: int) -> tuple[str, str] | None:
    """(path, reason) of the first string over `max_chars` or nesting over MAX_DEPTH, else None."""
    if _within_limits(value, max_chars, len(here)):
        return None  # the common case, without building a path for every value
    if isinstance(value, str):
        return format_path(here), f"field of {len(value):,} characters is over the limit of {max_chars:,}"
    if len(here) >= MAX_DEPTH:
        return format_path(here), f"nested deeper than {MAX_DEPTH} levels"
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str) and len(key) > 200:
            return format_path(here), "an attribute name is over 200 characters"
        found = _oversized(item, [*here, key], max_chars)
        if found:
            return found
    return None  # pragma: no cover - _within_limits said something was over


# --- decode -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodeContext:
    """What a pure decode needs from outside: who the records come from and when they arrived.

    Used only for records without a Woonbrug envelope (a vendor's own VERA data).
    """

    source: MessageSource
    received_at: datetime
    max_field_chars: int = MAX_FIELD_CHARS


@dataclass
class _Record:
    index: int | None  # position in the page; None for a single object
    message_type: str
    resource: Resource
    body: dict[str, Any]
    envelope: dict[str, str]
    fields: dict[str, tuple[int, Any]]  # canonical path -> (index in extra-attributen, value)
    lijst: dict[str, tuple[int, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # the record as received
    notices: list[str] = field(default_factory=list)  # what was derived or defaulted, said on the message


def decode_payload(payload: bytes, *, resource: str | None, context: DecodeContext) -> Iterator[Message | MappingError]:
    """A VERA body (one object, or an array: a page) -> canonical messages, one MappingError per bad record.

    Raises MappingError for a payload that cannot be read at all (size, encoding, malformed JSON).
    `resource` names the VERA resource the body came from when known (poll, webhook header); records that
    carry `woonbrug.bericht.type` need no hint.
    """
    yield from decode_records(parse_json(payload), resource=resource, context=context)


def decode_records(data: Any, *, resource: str | None, context: DecodeContext) -> Iterator[Message | MappingError]:
    """Parsed VERA JSON (an object or a list of them) -> canonical messages and located MappingErrors,
    in page order (a kandidatenlijst where its first kandidaat is)."""
    hint = _resource_hint(resource)
    single = not isinstance(data, list)
    read: list[_Record | MappingError] = []
    groups: dict[str, list[_Record]] = {}
    for index, raw in enumerate([data] if single else data):
        try:
            record = _read_record(raw, None if single else index, hint, context)
        except MappingError as error:
            read.append(error)
            continue
        read.append(record)
        if record.message_type == _KANDIDATENLIJST:
            groups.setdefault(record.envelope.get("messageId", ""), []).append(record)
    for item in read:
        if isinstance(item, MappingError):
            yield item
        elif item.message_type != _KANDIDATENLIJST:
            yield _build_message(item, context)
        else:
            group = groups[item.envelope.get("messageId", "")]
            if group[0] is item:
                yield _build_kandidatenlijst(group, context)


def _resource_hint(name: str | None) -> Resource | None:
    if name is None:
        return None
    resource = RESOURCES.get(name.strip("/").split("/")[0])
    if resource is None:
        known = ", ".join(sorted(RESOURCES))
        raise MappingError(f"unknown VERA resource {name[:40]!r}; the VERA adapter maps {known}")
    return resource


def _error(reason: str, record: int | None, path: str | None = None) -> MappingError:
    return MappingError(reason, location=Location(record=record, field=path or None))


def _read_record(raw: Any, at: int | None, hint: Resource | None, context: DecodeContext) -> _Record:
    if not isinstance(raw, dict):
        raise _error(f"a VERA resource is a JSON object, not {_json_kind(raw)}", at)
    bad = _oversized(raw, [], context.max_field_chars)
    if bad:
        raise _error(f"refused: {bad[1]}", at, bad[0])
    envelope, fields, lijst = _read_extras(raw.get("extra-attributen"), at)
    body = {key: value for key, value in raw.items() if key not in _BERICHT_BASIS}
    message_type = envelope.get("type")
    if message_type is not None:
        resource = _RESOURCE_BY_TYPE.get(message_type)
        if resource is None:
            raise _error(
                f"message type {message_type[:60]!r} is not one the VERA adapter maps", at, _extra_path("type")
            )
        if hint is not None and hint is not resource:
            raise _error(f"a {message_type} record does not belong on /{hint.name}", at)
        current = _current_type(resource, body, message_type)
        if current != message_type:
            # The vendor changed a record we sent and kept our extra-attributen, as VERA asks: it is the
            # vendor's own event now, in the same flow, caused by the message it changed.
            envelope = {
                "correlationId": envelope.get("correlationId", ""),
                "causationId": envelope.get("messageId", ""),
            }
            envelope = {key: value for key, value in envelope.items() if value}
            message_type = current
    elif hint is not None:
        resource = hint
        message_type = _type_from_body(hint, body, at)
    else:
        resource = _resource_by_shape(body, at)
        message_type = _type_from_body(resource, body, at)
    return _Record(at, message_type, resource, body, envelope, fields, lijst, raw)


# Attributes that only one resource's body has: how a plain VERA document (no Woonbrug envelope, no
# resource named) is recognised. Chosen from the WRV components, so a document written from the spec
# is recognised even when it carries none of the attributes Woonbrug models.
_TELLING_ATTRIBUTES: dict[str, frozenset[str]] = {
    "publicaties": frozenset({"eenheden", "aantalEenhedenBeschikbaar", "detailModel", "publicatiekanalen"}),
    "eenheden": frozenset(
        {
            # WRV Eenheden-Eenheid attributes no other WRV resource has ...
            "aangemerktHuurtoeslag",
            "aantalOnzelfstandigeEenheden",
            "adres",
            "batScore",
            "beginBouwdatum",
            "bouwjaar",
            "bouwnummer",
            "brutohuur",
            "buitenruimten",
            "clusters",
            "collectieveObjecten",
            "energieprestaties",
            "energievoorzieningen",
            "etage",
            "inExploitatiedatum",
            "interieur",
            "isolatie",
            "kadastraalNummer",
            "kamersAantal",
            "klimaatbeheersing",
            "kwaliteitsniveau",
            "ligging",
            "liggingTuin",
            "maatschappelijkLabel",
            "monumenten",
            "opleverdatum",
            "oppervlakten",
            "overigeVertrekkenTotaalOppervlakte",
            "panden",
            "prijscomponenten",
            "publicatieLabel",
            "rekenhuur",
            "renovatie",
            "ruimten",
            "sanitair",
            "streefhuur",
            "toegankelijkheidslabel",
            "totaalInhoud",
            "totaleOppervlakte",
            "uitExploitatiedatum",
            "vertrekkenAantal",
            "verwarmdeVertrekkenAantal",
            "woonvertrekkenTotaalOppervlakte",
            "woonvorm",
            "zelfstandig",
            # ... and VERA Vastgoed's, which Eenheid documents from vastgoed tooling carry
            "adresseerbaarObjectBasisregistratie",
            "gebruiksoppervlakte",
            "woningwaarderingstelsel",
            "Woningwaarderingstelsel",
            "wozEenheden",
        }
    ),
    "kandidaten": frozenset({"positie", "reactiedatum", "rangschikking", "woningzoekende"}),
    "aanbiedingen": frozenset({"aangebodenOp", "reagerenVoor", "aanbiedingsdatum", "reactietermijn"}),
    "toewijzingen": frozenset({"passendheidsoort", "rekeninkomen", "huishoudgrootte", "toewijzingsdatum"}),
    "overeenkomsten": frozenset({"ingangsdatum", "huurprijs", "overeenkomstnummer"}),
    "sancties": frozenset({"sanctiesoort", "opgelegdOp"}),
    "reclamaties": frozenset({"reclamatiesoort", "ingediendOp", "sanctie"}),
}

_NAME_IT = (
    "name the resource it was read from: `woonbrug translate vera --decode FILE --resource eenheden` "
    "(or the adapter config's `resource`)"
)


def _resource_by_shape(body: dict[str, Any], at: int | None) -> Resource:
    """The one resource whose telling attributes the body carries; a MappingError saying how to name it
    when none or several fit."""
    keys = set(body)
    fits = [name for name, telling in _TELLING_ATTRIBUTES.items() if keys & telling]
    if len(fits) == 1:
        return RESOURCES[fits[0]]
    why = "its attributes fit " + (" and ".join(fits) if fits else "no VERA resource Woonbrug maps")
    raise _error(f"cannot tell the message type: no woonbrug.bericht.type extra-attribuut, and {why}; {_NAME_IT}", at)


def _current_type(resource: Resource, body: dict[str, Any], stated: str) -> str:
    """The type the body's status says now; the stated type when the body cannot say (validation will)."""
    if stated == _KANDIDATENLIJST:
        return stated
    if resource.discriminator != "status":
        return stated  # only a status moves a record on; a soort (HUU, INS) is what the record is
    try:
        current = _type_from_body(resource, body, None)
    except MappingError:
        return stated
    same_record = next((types for types in resource.variants.values() if current in types), ())
    return stated if stated in same_record else current


def _extra_path(name: str) -> str:
    return f"extra-attributen[{ENVELOPE_PREFIX}{name}]"


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _read_extras(
    extras: Any, at: int | None
) -> tuple[dict[str, str], dict[str, tuple[int, Any]], dict[str, tuple[int, Any]]]:
    """Split `extra-attributen` into the envelope, payload fields and kandidatenlijst fields."""
    envelope: dict[str, str] = {}
    fields: dict[str, tuple[int, Any]] = {}
    lijst: dict[str, tuple[int, Any]] = {}
    if extras is None:
        return envelope, fields, lijst
    if not isinstance(extras, list):
        raise _error("extra-attributen must be an array", at, "extra-attributen")
    for i, item in enumerate(extras):
        where = f"extra-attributen[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("naam"), str):
            raise _error("an extra-attribuut needs a string naam", at, where)
        naam, waarde = item["naam"], item.get("waarde")
        if not naam.startswith("woonbrug."):
            continue  # another party's extension: not ours to read
        if not isinstance(waarde, str):
            raise _error("an extra-attribuut waarde must be a string", at, f"{where}.waarde")
        if naam.startswith(ENVELOPE_PREFIX):
            envelope[naam.removeprefix(ENVELOPE_PREFIX)] = waarde
        elif naam.startswith(FIELD_PREFIX) or naam.startswith(LIST_PREFIX):
            try:
                value = json.loads(waarde, parse_constant=_refuse_constant)
            except (ValueError, RecursionError):
                raise _error(f"extra-attribuut {naam[:80]} must hold JSON text", at, f"{where}.waarde") from None
            target = fields if naam.startswith(FIELD_PREFIX) else lijst
            target[naam.split(".", 2)[2]] = (i, value)
    return envelope, fields, lijst


def _type_from_body(resource: Resource, body: dict[str, Any], at: int | None) -> str:
    if resource.discriminator is None:
        return resource.types[""]
    value = body.get(resource.discriminator)
    code = value.get("code") if isinstance(value, dict) else None
    message_type = resource.types.get(code) if isinstance(code, str) else None
    if message_type is None:
        allowed = ", ".join(resource.types)
        what = f"code {code[:20]!r}" if isinstance(code, str) else "no code"
        raise _error(
            f"{resource.name} record has {what} in {resource.discriminator}: only {allowed} map to a message",
            at,
            resource.discriminator,
        )
    return message_type


def _payload_data(record: _Record, model: type[BaseModel]) -> dict[str, Any]:
    """The canonical payload of one record: the VERA body projected onto `model`, what the model does not
    have kept in the nearest entity's `veraOverig`, and the extra-attributen fields put back in place."""
    resource = record.resource
    body = dict(record.body)
    stamp = resource.stamps.get(record.message_type)
    if stamp is not None and resource.discriminator and body.get(resource.discriminator) == stamp:
        del body[resource.discriminator]  # it only said which message this is; encode stamps it again
    for name in _BERICHT_BASIS:
        value = record.raw.get(name)
        if name == "extra-attributen" and isinstance(value, list):
            # Another party's extensions are theirs: kept untouched, like any attribute we do not model.
            value = [item for item in value if not str(item.get("naam", "")).startswith("woonbrug.")]
        if value not in (None, []):
            body[name] = value
    kept: dict[str, Any] = {}
    data = {resource.body: body} if resource.body else body
    payload: dict[str, Any] = _project(data, model, kept, "", record.notices)
    for path, (i, value) in record.fields.items():
        if not _set_path(payload, path, value):
            raise _error(
                f"extra-attribuut {FIELD_PREFIX}{path} points at a list item that is not there",
                record.index,
                f"extra-attributen[{i}]",
            )
    return payload


# Modelled texts the canonical model normalises, with the form it writes (postcode `1234 AB`): a vendor's
# other spelling ("1234ab") is kept too, and written back while the value is unchanged.
_NORMALISED_TEXT = {"postcode": re.compile(r"^[1-9][0-9]{3} [A-Z]{2}$")}


def _project(data: Any, model: type[BaseModel], kept: dict[str, Any], here: str, notices: list[str]) -> Any:
    """Split `data` into what `model` has and what it does not: the latter goes, by JSON pointer, into
    `kept` — the `veraOverig` of the nearest model that has one (pointers are relative to it). An empty
    text where the model has a field is taken as not given (VERA leaves absent values out; anonymised
    exports blank them) and kept as sent, with a notice."""
    if not isinstance(data, dict):
        return data
    shape = _shape(model)
    owner = KEPT in shape
    if owner:
        kept, here = {}, ""
    out: dict[str, Any] = {}
    for key, value in data.items():
        pointer = f"{here}/{_escape(key)}"
        if key not in shape or key == KEPT:
            if key in PERSONAL_ATTRIBUTES:
                # Data minimisation (AVG): a person's data Woonbrug does not model is not kept, only named.
                notices.append(f"{pointer}: personal data Woonbrug does not model; not kept (left to the vendor)")
            else:
                kept[pointer] = value
            continue
        if value == "" and not _takes_empty_text(model, key):
            kept[pointer] = value
            notices.append(f"{pointer} is empty text: taken as not given (kept as sent)")
            continue
        if isinstance(value, list | dict) and not value:
            kept[pointer] = value  # an empty list the vendor sent comes back (encode drops empty defaults)
        elif isinstance(value, str) and key in _NORMALISED_TEXT and not _NORMALISED_TEXT[key].match(value):
            kept[pointer] = value  # the vendor's own spelling ("1013GS"), written back while unchanged
        submodel = shape[key]
        if submodel is None:
            out[key] = value
        elif isinstance(value, list):
            out[key] = [_project(item, submodel, kept, f"{pointer}/{i}", notices) for i, item in enumerate(value)]
        else:
            out[key] = _project(value, submodel, kept, pointer, notices)
    if owner and kept:
        out[KEPT] = kept
    return out


@functools.cache
def _takes_empty_text(model: type[BaseModel], key: str) -> bool:
    """Whether the model's field `key` holds an empty text as a value (a toevoeging may be ""): then it is
    that value, not an absent one."""
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            try:
                # The field's type with its own constraints (min_length, pattern), without its alias.
                field_type: Any = (
                    typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
                )
                pydantic.TypeAdapter(field_type).validate_python("")
            except pydantic.ValidationError:
                return False
            return True
    return False


@functools.cache
def _shape(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """A model's JSON keys, each with the canonical model its value (or list items) must be, if any."""
    return {info.alias or name: _model_in(info.annotation) for name, info in model.model_fields.items()}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside `X`, `X | None`, `list[X]` or `Annotated[X, ...]`; None for plain values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _envelope(record: _Record, payload: dict[str, Any], context: DecodeContext) -> dict[str, Any]:
    given = record.envelope
    if "type" in given:
        for required in ("messageId", "occurredAt"):
            if required not in given:
                raise _error(f"a Woonbrug record needs its {required}", record.index, _extra_path(required))
        source = {"tenant": given.get("source.tenant"), "system": given.get("source.system")}
        data: dict[str, Any] = {
            "messageId": given.get("messageId"),
            "correlationId": given.get("correlationId"),
            "causationId": given.get("causationId"),
            "source": source,
            "occurredAt": given.get("occurredAt"),
            "schemaVersion": given.get("schemaVersion", "v1"),
        }
        return {key: value for key, value in data.items() if value is not None}
    # A vendor's own record: ids derived from content, so polling it twice gives the same message.
    digest = hashlib.sha256(json.dumps(record.body, sort_keys=True).encode()).hexdigest()
    correlation = given.get("correlationId") or str(
        uuid.uuid5(_ID_NAMESPACE, _correlation_key(record.resource, payload))
    )
    derived: dict[str, Any] = {
        "messageId": str(uuid.uuid5(_ID_NAMESPACE, f"{record.resource.name}|{digest}")),
        "correlationId": correlation,
        "causationId": given.get("causationId"),
        "source": context.source.model_dump(mode="json"),
        "occurredAt": context.received_at,
    }
    return {key: value for key, value in derived.items() if value is not None}


def _correlation_key(resource: Resource, payload: dict[str, Any]) -> str:
    """A flow is correlated by its publicatie; records without one by their own id."""
    if resource.name == "publicaties":
        return f"publicatie:{payload.get('id')}"
    publicatie = payload.get("publicatie")
    if isinstance(publicatie, dict) and publicatie.get("id") is not None:
        return f"publicatie:{publicatie['id']}"
    entity = payload.get(resource.body) if resource.body else payload
    own = entity.get("id") if isinstance(entity, dict) else None
    return f"{resource.name}:{own}"


def _build_message(record: _Record, context: DecodeContext) -> Message | MappingError:
    message_cls = MESSAGE_TYPES[record.message_type]
    payload_model = message_cls.model_fields["payload"].annotation
    assert isinstance(payload_model, type)
    assert issubclass(payload_model, BaseModel)
    try:
        payload = _payload_data(record, payload_model)
        if "type" not in record.envelope and record.resource.name == "eenheden":
            _derive_vacancy(record, payload, context)
        envelope = _envelope(record, payload, context)
    except MappingError as error:
        return error
    data = {"type": record.message_type, **envelope, "payload": payload}
    if record.notices:
        data["notices"] = [notice[:300] for notice in record.notices[:100]]
    try:
        return message_cls.model_validate(data)
    except pydantic.ValidationError as error:
        return _located(error, record, record.index, [record])


def _derive_vacancy(record: _Record, payload: dict[str, Any], context: DecodeContext) -> None:
    """A vendor's own VERA Eenheid read from /eenheden: fill in what VERA does not carry, and say so.

    - `id` (VERA: required except on a POST; tooling leaves it out): derived from the content, so the same
      record read twice is the same unit (a changed record without an id is a new one: send `id`);
    - `idOrganisatie`: the corporation whose channel it came from (the adapter's source tenant);
    - `beschikbaarPer` (not a VERA attribute): the day it was received.
    """
    eenheid = payload.get("eenheid")
    if not isinstance(eenheid, dict):
        return
    if "id" not in eenheid:
        digest = hashlib.sha256(json.dumps(record.body, sort_keys=True).encode()).hexdigest()[:20]
        eenheid["id"] = f"vera-{digest}"
        record.notices.append(f"/id: not given; derived {eenheid['id']} from the content (send id to keep it stable)")
    if "idOrganisatie" not in eenheid:
        eenheid["idOrganisatie"] = context.source.tenant
        record.notices.append(f"/idOrganisatie: not given; taken as the sending corporation {context.source.tenant}")
    if "beschikbaarPer" not in payload:
        day = context.received_at.date().isoformat()
        payload["beschikbaarPer"] = day
        record.notices.append(f"beschikbaarPer: not a VERA attribute; defaulted to the day received ({day})")


def _build_kandidatenlijst(group: list[_Record], context: DecodeContext) -> Message | MappingError:
    first = group[0]
    at = first.index
    lijst = {key: value for key, (_, value) in first.lijst.items()}
    expected = lijst.pop("aantal", None)
    if expected is not None and expected != len(group):
        return _error(f"kandidatenlijst is incomplete: {len(group)} of {expected} kandidaten in this payload", at)
    try:
        kandidaten = [_payload_data(record, Kandidaat) for record in group]
        order = sorted(range(len(group)), key=lambda i: _position(kandidaten[i]))
        payload = {**lijst, "kandidaten": [kandidaten[i] for i in order]}
        envelope = _envelope(first, payload, context)
    except MappingError as error:
        return error
    data = {"type": _KANDIDATENLIJST, **envelope, "payload": payload}
    notices = [
        f"/kandidaten/{i}{notice}" if notice.startswith("/") else notice for i in order for notice in group[i].notices
    ]
    if notices:
        data["notices"] = [notice[:300] for notice in notices[:100]]
    try:
        return MESSAGE_TYPES[_KANDIDATENLIJST].model_validate(data)
    except pydantic.ValidationError as error:
        return _located(error, first, at, [group[i] for i in order])


def _position(kandidaat: dict[str, Any]) -> int:
    positie = kandidaat.get("positie")
    return positie if isinstance(positie, int) and not isinstance(positie, bool) else 0


def _located(
    error: pydantic.ValidationError,
    record: _Record,
    at: int | None,
    items: list[_Record],
) -> MappingError:
    """A pydantic error as one MappingError for the record, with every problem in it (`problems`), each
    located by a JSON pointer into the VERA body (or at the extra-attribuut that carried the field)."""
    errors = error.errors(include_input=False, include_url=False)
    located = [_locate_one(detail, record, at, items) for detail in errors]
    first_at, first_field, first_reason = located[0]
    problems = tuple(Problem(_as_pointer(field), reason) for _, field, reason in located)
    if len(located) == 1:
        reason = first_reason
    else:
        reason = f"{len(located)} problems: " + "; ".join(str(problem) for problem in problems)
    return MappingError(reason, location=Location(record=first_at, field=first_field), problems=problems)


def _as_pointer(path: str | None) -> str:
    """`eenheden[0].kamersAantal` -> `/eenheden/0/kamersAantal`; an extra-attribuut path stays as it is."""
    if not path:
        return ""
    if path.startswith("extra-attributen"):
        return "/" + path
    return "".join(f"/{_escape(part)}" for part in _tokens(path) if part is not None)


def _locate_one(
    detail: Any, record: _Record, at: int | None, items: list[_Record]
) -> tuple[int | None, str | None, str]:
    """(record index, field path, reason) of one pydantic error."""
    # pydantic names the validator for some wrapped types (`function-after[...]`): no place for a reader.
    loc = [part for part in detail["loc"] if not (isinstance(part, str) and "[" in part)]
    reason = str(detail["msg"])
    if reason.startswith("Value error, "):
        reason = reason[len("Value error, ") :]
    if not loc or loc[0] != "payload":
        return at, _envelope_location(loc), reason
    loc = loc[1:]
    resource = record.resource
    if record.message_type == _KANDIDATENLIJST and len(loc) >= 2 and loc[0] == "kandidaten" and isinstance(loc[1], int):
        target = items[loc[1]] if loc[1] < len(items) else record
        at = target.index
        record, loc = target, loc[2:]
    elif record.message_type == _KANDIDATENLIJST and loc and loc[0] in _LIST_FIELDS:
        name = str(loc[0])
        i = record.lijst[name][0] if name in record.lijst else None
        path = f"extra-attributen[{i}]" if i is not None else f"extra-attributen[{LIST_PREFIX}{name}]"
        return at, path, f"{name}: {reason}"
    path = format_path(loc)
    for extra_path, (i, _) in record.fields.items():
        if path == extra_path or path.startswith(extra_path + ".") or path.startswith(extra_path + "["):
            return at, f"extra-attributen[{i}]", f"{path}: {reason}"
    if detail["type"] == "missing" and any(_matches(pattern, path) for pattern in resource.extras):
        reason += f" (VERA has no attribute for it: send it as extra-attribuut {FIELD_PREFIX}{path})"
    if resource.body and path.startswith(resource.body):
        path = path[len(resource.body) :].lstrip(".")
    return at, path or None, reason


def _matches(pattern: str, path: str) -> bool:
    regex = re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]")
    return re.fullmatch(regex, path) is not None


def _envelope_location(loc: list[Any]) -> str:
    name = ".".join(str(part) for part in loc)
    return f"extra-attributen[{ENVELOPE_PREFIX}{name}]" if name else "extra-attributen"
