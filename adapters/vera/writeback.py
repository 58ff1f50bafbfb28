"""Lossless write-back: merging what Woonbrug says about a record into what the vendor's system holds.

Pure, no I/O. `VeraAdapter.deliver` reads the vendor's current record, `merge_record`s Woonbrug's body
into it and writes the result back: whole (PUT, with the vendor's ETag in If-Match) or as a JSON merge
patch (RFC 7396, `patch_body`). Either way the vendor ends up with the same record, and nothing it holds
is lost:

- objects merge member by member: a member only the vendor has is kept; where both have one, Woonbrug's
  value wins (objects recursively);
- `null` in Woonbrug's body means "Woonbrug does not know", never "delete": it is left out. Nothing is
  ever deleted by omission either: a member Woonbrug does not send is the vendor's to keep;
- `extra-attributen` (VERA's name/value extension list): entries in Woonbrug's namespace (`woonbrug.`)
  are Woonbrug's and replaced as a set by the ones it sends now (so a stale envelope entry, e.g. an old
  causationId, cannot linger); every other party's entry is kept, in its place;
- other arrays of objects that carry an `id` in every item Woonbrug sends merge item by item by id: the
  vendor's items keep their place (merged with Woonbrug's item of the same id), new items are appended,
  items only the vendor has are kept;
- an array of objects without ids of the same length as the vendor's merges position by position, so a
  vendor attribute on the n-th price component survives; any other array is Woonbrug's value (scalars,
  or a list Woonbrug computes whose length changed, such as a rangschikking).

Why the merge patch is computed from the current record rather than sent blind: RFC 7396 replaces an
array whole, and every VERA body carries arrays (at least `extra-attributen`), so a blind patch would
erase the vendor's entries there. `patch_body` is Woonbrug's body with each array replaced by its merged
form: deterministic for the same vendor state, so a redelivery sends the very same bytes under the same
Idempotency-Key.
"""

from __future__ import annotations

from typing import Any

from adapters.vera.mapping import ENVELOPE_PREFIX, FIELD_PREFIX, LIST_PREFIX

__all__ = ["EXTRA_ATTRIBUTES", "OUR_EXTRA_PREFIXES", "merge_record", "patch_body"]

EXTRA_ATTRIBUTES = "extra-attributen"
OUR_EXTRA_PREFIXES = (ENVELOPE_PREFIX, FIELD_PREFIX, LIST_PREFIX)


def merge_record(current: Any, ours: Any) -> Any:
    """The vendor's `current` record with Woonbrug's `ours` merged in (see the module docstring)."""
    return _merge(current, ours, None)


def patch_body(ours: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """A JSON merge patch (RFC 7396) that turns the current record into `merged` = merge_record(current, ours).

    Woonbrug's own members (nulls left out), with every array taken from `merged`: RFC 7396 merges
    objects but replaces arrays, so an array must travel in its merged form to keep the vendor's items.
    """
    out: dict[str, Any] = {}
    for key, value in ours.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out[key] = patch_body(value, merged[key])  # merging an object always gives an object
        elif isinstance(value, list):
            out[key] = merged[key]
        else:
            out[key] = value
    return out


def _merge(theirs: Any, ours: Any, name: str | None) -> Any:
    if isinstance(ours, dict):
        if not isinstance(theirs, dict):
            return _without_nulls(ours)
        merged = dict(theirs)
        for key, value in ours.items():
            if value is not None:
                merged[key] = _merge(theirs.get(key), value, key)
        return merged
    if isinstance(ours, list):
        if not isinstance(theirs, list):
            return _without_nulls(ours)
        if name == EXTRA_ATTRIBUTES:
            return _merge_extras(theirs, ours)
        return _merge_list(theirs, ours)
    return ours


def _merge_extras(theirs: list[Any], ours: list[Any]) -> list[Any]:
    """Every other party's extra-attributen in place, then Woonbrug's current set (an entry equal to one
    of Woonbrug's is not doubled)."""
    sent = [_without_nulls(item) for item in ours]
    foreign = [item for item in theirs if not _is_ours(item) and item not in sent]
    return [*foreign, *sent]


def _is_ours(item: Any) -> bool:
    naam = item.get("naam") if isinstance(item, dict) else None
    return isinstance(naam, str) and naam.startswith(OUR_EXTRA_PREFIXES)


def _merge_list(theirs: list[Any], ours: list[Any]) -> list[Any]:
    ids = [item.get("id") if isinstance(item, dict) else None for item in ours]
    if ours and all(isinstance(i, str | int) and not isinstance(i, bool) for i in ids) and len(set(ids)) == len(ids):
        merged = list(theirs)
        position: dict[Any, int] = {}
        for index, item in enumerate(theirs):
            if isinstance(item, dict) and item.get("id") is not None:
                position.setdefault(item["id"], index)
        for item in ours:
            found = position.get(item["id"])
            if found is None:
                merged.append(_without_nulls(item))
            else:
                merged[found] = _merge(theirs[found], item, None)
        return merged
    if len(theirs) == len(ours) and all(isinstance(item, dict) for item in (*theirs, *ours)):
        return [_merge(old, new, None) for old, new in zip(theirs, ours, strict=True)]
    return [_without_nulls(item) for item in ours]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
