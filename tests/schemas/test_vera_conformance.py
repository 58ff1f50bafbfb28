"""Canonical JSON of every entity validates against VERA's own WRV schema of that entity.

Golden examples (tests/schemas/golden/, fictional Dutch data) are parsed by our model, dumped as canonical
JSON and validated with jsonschema against the WRV 4.3.0 OpenAPI spec read from ../shared/vera. VERA's
`oneOf: [subtype, base]` is read as `anyOf` (see `tests.schemas.vera.one_of_as_any_of`), and the rules
VERA states as "Validatie-regex" in prose (date-time in UTC with Z, straatnaam 1..80 characters) are
enforced. Where our JSON fails VERA, the model is wrong, not the test.

Generated objects (contract_tests.strategies) are held to the same rule, so limits at the edges count too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import INCLUDE_BSN
from tests.schemas.entities import ENTITIES, GOLDEN, STRATEGIES, golden, golden_text
from tests.schemas.vera import VERA_DATE_TIME, VeraSchemas, date_times_in, one_of_as_any_of


def test_every_golden_file_is_tested() -> None:
    assert {path.name for path in GOLDEN.glob("*.json")} == {file for _, file, _ in ENTITIES.values()}


@pytest.mark.parametrize("name", ENTITIES)
def test_golden_round_trips_unchanged(name: str) -> None:
    """parse -> canonical JSON gives the file back: the files are canonical and serialisation is stable."""
    model = golden(name)
    assert model.model_dump(mode="json", context=INCLUDE_BSN) == golden_text(name)
    assert type(model).model_validate_json(model.model_dump_json(context=INCLUDE_BSN)) == model


@pytest.mark.parametrize(
    ("name", "vera_name"), [(name, vera_name) for name, (_, _, names) in ENTITIES.items() for vera_name in names]
)
def test_golden_canonical_json_validates_against_vera(name: str, vera_name: str, vera: VeraSchemas) -> None:
    model = golden(name)
    for dump in (model.model_dump(mode="json"), model.model_dump(mode="json", context=INCLUDE_BSN)):
        errors = vera.errors(vera_name, dump)
        assert not errors, f"{name} breaks VERA {vera_name}:\n" + "\n".join(errors)


@pytest.mark.parametrize("name", ENTITIES)
def test_every_date_time_we_emit_matches_veras_validatie_regex(name: str) -> None:
    found = date_times_in(golden(name).model_dump(mode="json"))
    assert all(VERA_DATE_TIME.match(text) for text in found), found


def test_the_goldens_contain_date_times_at_all() -> None:
    """Guards the test above against passing on nothing."""
    assert sum(len(date_times_in(golden(name).model_dump(mode="json"))) for name in ENTITIES) >= 6


@pytest.mark.parametrize("name", ENTITIES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_entities_validate_against_vera(name: str, data: st.DataObject, vera: VeraSchemas) -> None:
    model = data.draw(STRATEGIES[name], label=name)
    dump = model.model_dump(mode="json", context=INCLUDE_BSN)
    for vera_name in ENTITIES[name][2]:
        errors = vera.errors(vera_name, dump)
        assert not errors, f"{name} breaks VERA {vera_name}:\n" + "\n".join(errors)
    assert all(VERA_DATE_TIME.match(text) for text in date_times_in(dump))


# --- The checks themselves can fail --------------------------------------------------------------------


def test_vera_rejects_a_wrong_type(vera: VeraSchemas) -> None:
    dump = golden("Eenheid").model_dump(mode="json")
    assert vera.errors("Publicaties-Eenheid", dump) == []
    assert vera.errors("Publicaties-Eenheid", {**dump, "kamersAantal": "3"})
    assert vera.errors("Publicaties-Eenheid", {**dump, "soort": "WOO"})
    assert vera.errors("Publicaties-Eenheid", {**dump, "kamersAantal": 2**31})  # int32


def test_vera_rejects_a_date_time_without_z(vera: VeraSchemas) -> None:
    dump = golden("Publicatie").model_dump(mode="json")
    assert vera.errors("Publicaties-Publicatie", {**dump, "begindatum": "2026-03-02T09:00:00+01:00"})
    assert vera.errors("Publicaties-Publicatie", {**dump, "begindatum": "2026-03-02"})


def test_vera_enforces_the_straatnaam_regex(vera: VeraSchemas) -> None:
    dump = golden("Eenheid").model_dump(mode="json")
    long_street = {**dump, "adres": {**dump["adres"], "straatnaam": "x" * 81}}
    assert vera.errors("Publicaties-Eenheid", long_street)


def test_vera_rejects_a_date_where_it_declares_a_date_time(vera: VeraSchemas) -> None:
    dump = golden("Toewijzing").model_dump(mode="json")
    regeling = {"soort": {"code": "URG"}, "begindatum": "2025-11-03"}
    assert vera.errors("Toewijzingen-Toewijzing", {**dump, "voorrangsregelingen": [regeling]})


def test_one_of_must_be_read_as_any_of(vera_spec: dict[str, Any]) -> None:
    """Taken literally, VERA's `oneOf: [subtype, base]` rejects a valid Sanctie (it matches both)."""
    dump = golden("Sanctie").model_dump(mode="json")
    assert VeraSchemas(vera_spec).errors("Sancties-Sanctie", dump) == []
    assert VeraSchemas(vera_spec, strict_one_of=True).errors("Sancties-Sanctie", dump)


def test_one_of_rewrite_copies_and_replaces_every_one_of(vera_spec: dict[str, Any]) -> None:
    before = json.dumps(vera_spec, default=str)
    rewritten = json.dumps(one_of_as_any_of(vera_spec), default=str)
    assert json.dumps(vera_spec, default=str) == before, "the spec itself is left untouched"
    assert before.count('"oneOf"') > 0
    assert '"oneOf"' not in rewritten
    assert rewritten.count('"anyOf"') == before.count('"anyOf"') + before.count('"oneOf"')
