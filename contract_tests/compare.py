"""Comparing canonical messages field by field, on the fields an adapter says it carries.

Paths are the canonical JSON names joined by dots, as a vendor reads them in the JSON Schemas
(`payload.eenheid.adres.postcode`); a path through a list applies to every item
(`payload.prijscomponenten.bedrag`), and a path names its whole subtree (`payload.eenheid.adres`).
Differences are reported per leaf with its list indices (`payload.prijscomponenten[1].bedrag`), and
personal data is shown as `[personal data]`, never as its value: kit output lands in CI logs too.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from schemas import BSN, INCLUDE_BSN, Message, PersonalData

__all__ = [
    "DEFAULT_ROUNDTRIP_FIELDS",
    "Difference",
    "candidate_types",
    "canonical_json",
    "check_paths",
    "differences",
    "flatten",
    "model_paths",
    "render_differences",
]

DEFAULT_ROUNDTRIP_FIELDS: tuple[str, ...] = ("type", "payload")
"""What the kit compares when an adapter declares nothing: the message type and the whole payload."""

_MAX_DEPTH = 12
_SHOWN = 20


def canonical_json(message: BaseModel) -> dict[str, Any]:
    """The message as canonical JSON (camelCase, codes as objects), BSNs included for comparison."""
    data: dict[str, Any] = message.model_dump(mode="json", context=INCLUDE_BSN)
    return data


# --- the model's paths -----------------------------------------------------------------------------------


def candidate_types(annotation: Any) -> Iterator[Any]:
    """The concrete types an annotation may hold: through Annotated, Optional/Union, list and tuple."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from candidate_types(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from candidate_types(arg)
    elif origin in (list, tuple, Sequence, set, frozenset):
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                yield from candidate_types(arg)
    else:
        yield annotation


def _personal_kind(field: Any) -> str | None:
    for meta in field.metadata:
        if isinstance(meta, PersonalData):
            return meta.kind
    return "bsn" if any(candidate is BSN for candidate in candidate_types(field.annotation)) else None


def model_paths(model: type[BaseModel]) -> dict[str, str | None]:
    """Every JSON path of `model` (intermediate ones too) -> the kind of personal data it holds, or None."""
    paths: dict[str, str | None] = {}

    def walk(cls: type[BaseModel], prefix: str, inherited: str | None, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for name, field in cls.model_fields.items():
            key = field.serialization_alias or field.alias or name
            path = f"{prefix}{key}"
            kind = inherited or _personal_kind(field)
            paths[path] = kind
            for candidate in candidate_types(field.annotation):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    walk(candidate, f"{path}.", kind, depth + 1)
                elif isinstance(candidate, type) and issubclass(candidate, Enum) and hasattr(candidate, "soort"):
                    # A VERA code list travels as {"code": ..., "naam": ...}.
                    paths[f"{path}.code"] = kind
                    paths[f"{path}.naam"] = kind

    walk(model, "", None, 0)
    return paths


def check_paths(message_type: type[Message], paths: Iterable[str]) -> list[str]:
    """Problems with declared round-trip paths: each must name a field of `message_type`'s canonical JSON."""
    known = model_paths(message_type)
    problems = []
    for path in paths:
        if path in known:
            continue
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        siblings = sorted(p.rsplit(".", 1)[-1] for p in known if (p.rsplit(".", 1)[0] if "." in p else "") == parent)
        where = f" under {parent!r}" if parent else ""
        problems.append(
            f"{path!r} is not a field of {message_type.model_fields['type'].default}; "
            f"fields{where}: {', '.join(siblings) or '(none: a leaf)'}"
        )
    return problems


# --- flattening and comparing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    pattern: str  # the path without list indices, as declared
    value: Any


def _is_code(data: Any) -> bool:
    """A VERA Referentiedata value, {"code": ..., "naam": ...}: compared as one value, not two."""
    return isinstance(data, dict) and "code" in data and set(data) <= {"code", "naam"}


def flatten(data: Any, prefix: str = "", pattern: str = "") -> dict[str, Leaf]:
    """Leaves of a JSON document by indexed path (`a.b[0].c`); empty lists and objects are leaves too,
    and so is a code-list value ({"code", "naam"})."""
    out: dict[str, Leaf] = {}
    if isinstance(data, dict) and data and not _is_code(data):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else key, f"{pattern}.{key}" if pattern else key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{index}]", pattern))
    else:
        out[prefix] = Leaf(pattern, data)
    return out


def _selected(leaf: Leaf, declared: Sequence[str]) -> bool:
    for path in declared:
        if leaf.pattern == path or leaf.pattern.startswith(path + "."):
            return True
        if isinstance(leaf.value, dict | list) and path.startswith(leaf.pattern + "."):
            return True  # an empty container or a code-list value holding the declared path
    return False


@dataclass(frozen=True)
class Difference:
    path: str
    sent: Any
    got: Any
    present_before: bool
    present_after: bool
    personal: bool

    def describe(self, golden: bool = False) -> str:
        """One line; round-trip wording by default, expected-versus-decoded wording for golden files."""
        before, after = self._show(self.sent), self._show(self.got)
        if golden:
            if not self.present_after:
                return f"{self.path}: expected {before}, missing from the decoded message"
            if not self.present_before:
                return f"{self.path}: not expected, but decoded as {after}"
            return f"{self.path}: expected {before}, decoded {after}"
        if not self.present_after:
            return f"{self.path}: sent {before}, missing after the round trip"
        if not self.present_before:
            return f"{self.path}: not sent, but came back as {after}"
        return f"{self.path}: sent {before}, got back {after}"

    def _show(self, value: Any) -> str:
        if self.personal:
            return "[personal data]"
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 60 else text[:57] + "..."


def differences(
    sent: Mapping[str, Any],
    got: Mapping[str, Any],
    declared: Sequence[str],
    personal_paths: Mapping[str, str | None] | None = None,
    ignored: Sequence[str] = (),
) -> list[Difference]:
    """Every leaf under the declared paths (and not under an ignored one) that differs between two documents."""

    def wanted(leaf: Leaf) -> bool:
        return _selected(leaf, declared) and not any(
            leaf.pattern == path or leaf.pattern.startswith(path + ".") for path in ignored
        )

    before = {path: leaf for path, leaf in flatten(dict(sent)).items() if wanted(leaf)}
    after = {path: leaf for path, leaf in flatten(dict(got)).items() if wanted(leaf)}
    personal = personal_paths or {}
    found = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old is not None and new is not None and old.value == new.value:
            continue
        pattern = (old or new).pattern  # type: ignore[union-attr]  # one of them is set: path came from one
        is_personal = any(
            kind is not None and (pattern == p or pattern.startswith(p + ".")) for p, kind in personal.items()
        )
        found.append(
            Difference(
                path,
                old.value if old else None,
                new.value if new else None,
                old is not None,
                new is not None,
                is_personal,
            )
        )
    return found


def render_differences(found: Sequence[Difference], limit: int = _SHOWN, golden: bool = False) -> str:
    lines = [f"  - {difference.describe(golden)}" for difference in found[:limit]]
    if len(found) > limit:
        lines.append(f"  ... and {len(found) - limit} more")
    return "\n".join(lines)
