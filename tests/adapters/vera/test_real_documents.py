"""The VERA adapter against real VERA Eenheid documents that a corporation's own tooling wrote.

The documents are read from `../shared/vera-real/` (see its SOURCES.md; never copied into the project):
332 `Eenheden-Eenheid` bodies from woonstadrotterdam/woningwaardering, read as records of `/eenheden`.
What VERA itself says of each (valid or not against the WRV 4.3.0 schema) is decided here by the spec in
`../shared/vera`, not by a list kept in the test, so the expectations follow the documents.

- at least 90% of the VERA-valid documents decode into canonical units (a unit is known before it can
  be published: what only publication needs is not required here);
- every refused document is refused with every reason at once, each located by a JSON pointer;
- a decoded document re-encodes to the same JSON (every attribute kept, Woonbrug only adds its
  envelope extra-attributen and the id/idOrganisatie it derived and said so), valid VERA again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters import MappingError
from adapters.vera import mapping
from schemas import EenheidVrijgekomen, MessageSource
from tests.adapters.vera.vera_spec import schema_errors
from tests.conftest import REPO

VERA_REAL = REPO.parent / "shared" / "vera-real"
CONTEXT = mapping.DecodeContext(
    MessageSource(tenant="corp-woonstad", system="vera"), datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
)


@pytest.fixture(scope="module")
def documents() -> list[Path]:
    if not (VERA_REAL / "SOURCES.md").is_file():
        pytest.skip(f"real VERA documents not found at {VERA_REAL} (needs ../shared/vera-real beside the repo)")
    found = sorted(VERA_REAL.rglob("*.json"))
    assert found, f"{VERA_REAL} holds no JSON documents"
    return found


def _decode(path: Path) -> EenheidVrijgekomen | MappingError:
    [item] = list(mapping.decode_payload(path.read_bytes(), resource="eenheden", context=CONTEXT))
    assert isinstance(item, EenheidVrijgekomen | MappingError)
    return item


def _decoded(documents: list[Path]) -> Iterator[tuple[Path, EenheidVrijgekomen | MappingError]]:
    for path in documents:
        yield path, _decode(path)


def test_at_least_90_percent_of_the_vera_valid_documents_decode(documents: list[Path], vera_dir: Path) -> None:
    valid = [p for p in documents if not schema_errors(vera_dir, "Eenheden-Eenheidbericht", json.loads(p.read_bytes()))]
    assert len(valid) >= len(documents) * 0.8, "the shared documents changed: most of them used to be valid VERA"
    decoded = [p for p in valid if isinstance(_decode(p), EenheidVrijgekomen)]
    share = len(decoded) / len(valid)
    assert share >= 0.9, f"{len(decoded)} of {len(valid)} VERA-valid documents decode ({share:.0%})"


def test_documents_vera_refuses_are_refused_with_every_reason(documents: list[Path], vera_dir: Path) -> None:
    for path in documents:
        errors = schema_errors(vera_dir, "Eenheden-Eenheidbericht", json.loads(path.read_bytes()))
        if not errors:
            continue
        item = _decode(path)
        assert isinstance(item, MappingError), f"{path.name} is not valid VERA ({errors[0]}) but decoded"
        # VERA's own complaints, by place, are each among ours (as JSON pointers).
        ours = {problem.pointer for problem in item.problems} or {f"/{item.location.field}"}
        for error in errors:
            place = "/" + error.split(":", 1)[0]
            assert place in ours, f"{path.name}: VERA refuses {place}, we did not say so: {item}"


def test_every_refusal_is_located_and_names_no_value(documents: list[Path]) -> None:
    for path, item in _decoded(documents):
        if not isinstance(item, MappingError):
            continue
        assert item.problems, f"{path.name}: a refusal without its problems: {item}"
        for problem in item.problems:
            assert problem.pointer.startswith("/"), problem
        assert "82.77" not in str(item)  # the offending value itself is never echoed


def test_a_naam_sent_as_code_is_refused_with_the_code_it_names(documents: list[Path]) -> None:
    reasons = [str(item) for _, item in _decoded(documents) if isinstance(item, MappingError)]
    assert any("'A++++' is the naam of code AP4" in reason for reason in reasons)


def _without_woonbrug(body: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in body.items() if key != "extra-attributen"}
    for derived in ("id", "idOrganisatie"):
        if derived not in original:
            out.pop(derived, None)
    theirs = [e for e in body.get("extra-attributen", []) if not e["naam"].startswith("woonbrug.")]
    if theirs:
        out["extra-attributen"] = theirs
    return out


def test_decoded_documents_round_trip_whole_and_valid(documents: list[Path], vera_dir: Path) -> None:
    for path, item in _decoded(documents):
        if not isinstance(item, EenheidVrijgekomen):
            continue
        original = json.loads(path.read_bytes())
        body = mapping.encode(item).body
        assert isinstance(body, dict)
        assert json.dumps(_without_woonbrug(body, original), sort_keys=True) == json.dumps(original, sort_keys=True), (
            f"{path.name} lost or changed an attribute on the way through Woonbrug"
        )
        assert schema_errors(vera_dir, "Eenheden-Eenheidbericht", body) == [], path.name


def test_what_was_derived_is_said_on_the_message(documents: list[Path]) -> None:
    without_id = next(
        p for p in documents if "id" not in json.loads(p.read_bytes()) and isinstance(_decode(p), EenheidVrijgekomen)
    )
    message = _decode(without_id)
    assert isinstance(message, EenheidVrijgekomen)
    notices = " | ".join(message.notices or [])
    assert "/id: not given; derived" in notices
    assert "/idOrganisatie: not given; taken as the sending corporation corp-woonstad" in notices
    assert "beschikbaarPer: not a VERA attribute; defaulted to the day received (2026-03-02)" in notices
    assert message.payload.eenheid.id_organisatie == "corp-woonstad"
    assert message.payload.beschikbaar_per is not None
    # Read twice, the same record is the same unit and the same message.
    again = _decode(without_id)
    assert isinstance(again, EenheidVrijgekomen)
    assert (again.payload.eenheid.id, again.message_id) == (message.payload.eenheid.id, message.message_id)
