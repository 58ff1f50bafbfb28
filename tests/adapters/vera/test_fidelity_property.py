"""Nothing a vendor sends is silently dropped (issue 13): for every VERA component the adapter maps, any
attribute Woonbrug does not model — at the top of a body or inside an object it does model — survives
decode -> encode with its value, unless it is on the adapter's declared `UNSUPPORTED_ATTRIBUTES` (then
the decoded message says so in a notice)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.vera import mapping
from schemas import Message
from tests.adapters.vera.cases import CASES, VENDOR_CONTEXT

# One VERA body per component the adapter maps (a kandidatenlijst is a page of Kandidaat records).
BODIES: dict[str, Any] = {name: mapping.encode(make()).body for name, make in sorted(CASES.items())}

# Text a store can hold: control characters are refused at the model boundary (tests/hostile covers that).
_storable_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    _storable_text,
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=6), inner, max_size=3
        )
    ),
    max_leaves=8,
)
# Attribute names no canonical model has (a vendor's own, or VERA's that Woonbrug does not model),
# sometimes one of the declared unsupported ones.
_vendor_names = st.from_regex(r"vendor[A-Z][a-z]{0,8}", fullmatch=True)
_names = st.one_of(_vendor_names, st.sampled_from(sorted(mapping.UNSUPPORTED_ATTRIBUTES)))


def _objects(body: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths of every JSON object in a body that the mapping reads (not inside extra-attributen). Not a
    Referentiedata object (`{code, naam}`): VERA gives it exactly those two, so anything more in it is
    refused with its reason ("unexpected keys ... in SOORT", tested with the code lists)."""
    if isinstance(body, dict):
        found = [] if "code" in body and set(body) <= {"code", "naam"} else [path]
        for key, value in body.items():
            if key != "extra-attributen":
                found += _objects(value, (*path, key))
        return found
    if isinstance(body, list):
        return [p for i, item in enumerate(body) for p in _objects(item, (*path, i))]
    return []


def _at(body: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        body = body[part]
    return body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(sorted(BODIES)), data=st.data())
def test_every_attribute_survives_or_is_declared_unsupported(case: str, data: st.DataObject) -> None:
    body = copy.deepcopy(BODIES[case])
    records = body if isinstance(body, list) else [body]
    index = data.draw(st.integers(0, len(records) - 1))
    record = records[index]
    where = data.draw(st.sampled_from(_objects(record)))
    target = _at(record, where)
    # An Inschrijving models its household's personal data itself (typed as such), so there a name such as
    # `inkomen` is the canonical field, not an undeclared attribute: only vendor names are added to it.
    names = _vendor_names if case.startswith("inschrijving") else _names
    name = data.draw(names.filter(lambda n: n not in target))
    value = data.draw(_values)
    target[name] = value

    items = list(mapping.decode_payload(json.dumps(body).encode(), resource=None, context=VENDOR_CONTEXT))
    assert all(isinstance(item, Message) for item in items), items
    [message] = items
    assert isinstance(message, Message)
    encoded = mapping.encode(message).body
    out = (encoded if isinstance(encoded, list) else [encoded])[index]
    # A kandidatenlijst is written back in positie order, as it was encoded: the same record index.
    if name in mapping.UNSUPPORTED_ATTRIBUTES:
        assert name not in _at(out, where), f"{name} is declared unsupported but was carried"
        assert any(name in notice for notice in message.notices or []), "a dropped attribute must be named"
    else:
        assert json.dumps(_at(out, where).get(name), sort_keys=True) == json.dumps(value, sort_keys=True), (
            f"{case}: {'/'.join(map(str, where))}/{name} did not survive decode -> encode"
        )
