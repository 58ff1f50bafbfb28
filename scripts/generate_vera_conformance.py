"""Write `docs/vera-conformance.md` from the model: what Woonbrug needs, derives and keeps, per message type.

Generated, never edited by hand, so it cannot drift from the code: `tests/adapters/vera/
test_conformance_doc.py` fails when the committed page differs from what this script writes. Run it
after changing the canonical model, the VERA mapping or what publication requires:

    python scripts/generate_vera_conformance.py > docs/vera-conformance.md
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from adapters.vera import mapping
from gateway.flow.publication import publication_problems
from schemas import MESSAGE_TYPES, Eenheid

__all__ = ["conformance_markdown"]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _fields(
    model: type[BaseModel], prefix: str, seen: tuple[type[BaseModel], ...] = (), under: str | None = None
) -> list[tuple[str, bool, str | None]]:
    """(JSON pointer, required, the optional parent it is required under) of every attribute the model
    reads, nested models expanded once."""
    out: list[tuple[str, bool, str | None]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key == mapping.KEPT:
            continue
        pointer = f"{prefix}/{key}"
        sub = _model_in(info.annotation)
        is_list = typing.get_origin(info.annotation) is list or "list[" in str(info.annotation)
        required = info.is_required()
        out.append((pointer, required, under))
        if sub is not None and sub not in seen:
            parent = under if required and not is_list else pointer
            out.extend(_fields(sub, f"{pointer}/*" if is_list else pointer, (*seen, sub), parent))
    return out


def _body_model(message_type: str) -> tuple[type[BaseModel], str | None]:
    payload = MESSAGE_TYPES[message_type].model_fields["payload"].annotation
    assert isinstance(payload, type)
    assert issubclass(payload, BaseModel)
    return payload, mapping.resource_for_type(message_type).body


def _section(message_type: str) -> list[str]:
    resource = mapping.resource_for_type(message_type)
    payload_model, body = _body_model(message_type)
    lines = [f"## `{message_type}` — `/{resource.name}` ({resource.vera_schema})", ""]
    if resource.discriminator:
        code = next((c for c, t in resource.types.items() if t == message_type), None)
        if code:
            lines += [f"Recognised on `/{resource.name}` by `{resource.discriminator}.code` = `{code}`.", ""]
    model: type[BaseModel] = payload_model
    if body:
        sub = _model_in(payload_model.model_fields[body].annotation)
        assert sub is not None
        model = sub
    fields = _fields(model, "")
    extras = {"/" + p.replace(".", "/").replace("[*]", "/*") for p in resource.extras}
    if body:
        extras = {e.removeprefix(f"/{body}") for e in extras if e.startswith(f"/{body}/")} | {
            e for e in extras if not e.startswith(f"/{body}/")
        }

    def woonbrug_only(pointer: str) -> bool:
        return any(pointer == e or pointer.startswith(e + "/") for e in extras)

    required = [p for p, needed, under in fields if needed and under is None and not woonbrug_only(p)]
    optional = [
        f"`{p}` (needed when `{under}` is given)" if needed and under else f"`{p}`"
        for p, needed, under in fields
        if not (needed and under is None) and not woonbrug_only(p)
    ]
    lines.append("**Needs** (a record without these is refused, every missing one named by its JSON pointer):")
    lines += [f"- `{p}`" for p in required] or ["- nothing"]
    lines += ["", "**Reads when present** (validated: type, format, code list):"]
    lines += [f"- {p}" for p in optional] or ["- nothing"]
    lines += [
        "",
        "**Woonbrug-only** (no VERA attribute: travel as extra-attribuut "
        f"`{mapping.FIELD_PREFIX}<path>` with JSON text):",
    ]
    wrapper = [k for k in (payload_model.model_fields if body else {}) if k != body]
    only = sorted(extras | {f"/{payload_model.model_fields[k].alias or k}" for k in wrapper})
    lines += [f"- `{p}`" for p in only] or ["- nothing"]
    lines += ["", "**Derives** (for a vendor's own record, without a Woonbrug envelope; said in `notices`):"]
    lines.append("- the envelope: message id from the content, correlation id from the publicatie (or own id), source")
    lines.append("  from the channel, occurred-at the moment received")
    if resource.name == "eenheden":
        lines.append("- `/id` from the content when absent; `/idOrganisatie` as the sending corporation when absent;")
        lines.append("  `beschikbaarPer` as the day received when absent")
    lines += [
        "",
        "**Keeps untouched** (round-trips decode → encode as sent): every other attribute, by JSON pointer in "
        f"`{mapping.KEPT}`; another party's `extra-attributen`; empty texts (taken as not given).",
        "",
    ]
    if resource.name == "eenheden":
        lines += ["**Publication needs** (checked when a unit is published; missing ones hold it, all named):"]
        seen: list[str] = []
        for eenheid in (Eenheid(id="x"), Eenheid(id="x", adres={"woonplaats": {}})):
            seen += [p.pointer for p in publication_problems(eenheid) if p.pointer not in seen]
        lines += [f"- `{p}`" for p in seen]
        lines += [
            "- bounded criteria (`INK`, `LEE`, `PER`) need a bound, and are applied only as selection (`SEL`)",
            f"- no `voorwaarden` / `criteria` attribute Woonbrug does not apply (kept in `{mapping.KEPT}`)",
            "",
        ]
    return lines


def conformance_markdown() -> str:
    personal = ", ".join(f"`{name}`" for name in sorted(mapping.PERSONAL_ATTRIBUTES))
    lines = [
        "# VERA conformance",
        "",
        "<!-- Generated by scripts/generate_vera_conformance.py from the model; do not edit by hand. -->",
        "",
        "What Woonbrug's VERA adapter (WRV 4.3 REST/JSON) needs, derives and keeps, per message type.",
        "Check documents with `woonbrug check-vera FILE...` (add `--resource eenheden` for a document whose",
        "shape does not tell its resource).",
        "",
        "Everywhere:",
        "- A record is recognised by its `woonbrug.bericht.type` extra-attribuut, by the resource it was read from,",
        "  or by its shape (attributes only one WRV resource has).",
        "- Every problem of a record is reported at once, each by JSON pointer; values are never echoed.",
        "- Amounts are euros with whole cents; a float that is a whole cent but for binary noise",
        "  (`560.5500000000001`) is that cent, more decimals are refused. Price components may be negative (korting).",
        "- Dates are `YYYY-MM-DD` where VERA types a date; a date-time there is refused. Codes must be in VERA's",
        "  Referentiedata list (exact case); a naam sent as code is refused with the code it names.",
        f"- Not kept (personal data Woonbrug does not model; named in a notice, left to the vendor): {personal}.",
        "",
    ]
    for message_type in sorted(mapping._RESOURCE_BY_TYPE):
        lines += _section(message_type)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(conformance_markdown(), end="")
