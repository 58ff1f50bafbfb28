"""Publication requires what the flow acts on, all at once; VERA criteria are applied and explained.

A unit is known before it can be published (issue 13): the canonical Eenheid takes what VERA allows, and
`gateway.flow.publication` is the one place that says what publishing needs. The flow's publish step
holds (refuses, with every reason) a unit that lacks it, and a unit whose conditions it cannot apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters import Capabilities
from gateway.core.clock import SimulatedClock
from gateway.flow.eligibility import RejectionReason, check_eligibility
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RegionPolicy
from gateway.flow.publication import publication_problems
from gateway.flow.ranking import Reactie, rank_kandidaten
from gateway.flow.records import PublicatieRecord
from gateway.flow.service import FlowError, FlowService
from schemas import MESSAGE_TYPES, Eenheid, EenheidVrijgekomen, MessageSource
from tests import factories
from tests.flow.builders import household, listing, region, unit
from tests.store.databases import TestDatabase, sqlite_database

DAY = date(2025, 9, 1)
R = RejectionReason


def test_a_bare_unit_is_valid_but_lists_every_thing_publication_needs() -> None:
    eenheid = Eenheid(id="E-bare", adres={"woonplaats": {"naam": "ROTTERDAM"}})
    pointers = [problem.pointer for problem in publication_problems(eenheid)]
    assert pointers == [
        "/idOrganisatie",
        "/soort",
        "/adres/straatnaam",
        "/adres/huisnummer",
        "/adres/postcode",
        "/adres/gemeente",
        "/kamersAantal",
        "/rekenhuur",
        "/maatschappelijkLabel",
    ]


def test_a_complete_unit_has_no_publication_problems() -> None:
    assert publication_problems(factories.eenheid()) == []


def test_conditions_the_flow_cannot_apply_hold_the_unit() -> None:
    eenheid = unit(
        criteria=[
            {"soort": {"code": "INK"}},  # no bound at all
            {"soort": {"code": "LEE"}, "aantalOndergrens": 55, "toepassing": {"code": "SOR"}},
        ],
        veraOverig={"/voorwaarden/maximunleeftijd": 30},  # VERA's misspelled twin: not applied by Woonbrug
    )
    problems = {problem.pointer: problem.reason for problem in publication_problems(eenheid)}
    assert set(problems) == {"/criteria/0", "/criteria/1/toepassing", "/voorwaarden/maximunleeftijd"}
    assert "cannot tell whom it admits" in problems["/criteria/0"]
    assert "admit households the corporation excludes" in problems["/voorwaarden/maximunleeftijd"]


# --- criteria in eligibility ----------------------------------------------------------------------------


def _reasons(eenheid: Eenheid, **household_changes: Any) -> tuple[RejectionReason, ...]:
    return check_eligibility(
        household(**household_changes),
        eenheid,
        policy=RegionPolicy(),
        parameters=default_parameter_table().for_date(DAY),
        allocation_date=DAY,
    ).reasons


@pytest.mark.parametrize(
    ("criterium", "household_changes", "expected"),
    [
        ({"soort": {"code": "INK"}, "aantalBovengrens": 30000}, {"income": "29999.00"}, ()),
        ({"soort": {"code": "INK"}, "aantalBovengrens": 30000}, {"income": "30000.01"}, (R.INKOMEN_TE_HOOG,)),
        ({"soort": {"code": "INK"}, "aantalOndergrens": 20000}, {"income": "19000.00"}, (R.INKOMEN_TE_LAAG,)),
        ({"soort": {"code": "LEE"}, "aantalOndergrens": 18, "aantalBovengrens": 27}, {"birth": "2000-01-01"}, ()),
        (
            {"soort": {"code": "LEE"}, "aantalOndergrens": 18, "aantalBovengrens": 27},
            {"birth": "1990-06-15"},
            (R.LEEFTIJD_TE_HOOG,),
        ),
        ({"soort": {"code": "LEE"}, "aantalOndergrens": 55}, {"birth": "1990-06-15"}, (R.LEEFTIJD_TE_LAAG,)),
        ({"soort": {"code": "PER"}, "aantalOndergrens": 3}, {"persons": 2}, (R.HUISHOUDEN_TE_KLEIN,)),
        ({"soort": {"code": "PER"}, "aantalExact": 1}, {"persons": 2}, (R.HUISHOUDEN_TE_GROOT,)),
        ({"soort": {"code": "PER"}, "aantalExact": 2, "toepassing": {"code": "SEL"}}, {"persons": 2}, ()),
    ],
)
def test_vera_criteria_decide_who_may_respond(
    criterium: dict[str, Any], household_changes: dict[str, Any], expected: tuple[RejectionReason, ...]
) -> None:
    eenheid = unit(rekenhuur="400.00", label="NDA", criteria=[criterium])
    assert _reasons(eenheid, **household_changes) == expected


def test_the_kandidaat_explanation_names_the_criteria_it_met() -> None:
    eenheid = unit(
        rekenhuur="400.00",
        label="NDA",
        criteria=[{"soort": {"code": "LEE"}, "aantalOndergrens": 18, "aantalBovengrens": 27}],
    )
    publicatie = listing(eenheid)
    young, old = household(id="I-young", birth="2000-01-01"), household(id="I-old", birth="1960-01-01")
    reacties = [
        Reactie(factories.kandidaat(id=f"K-{i.id}", inschrijving={"id": i.id}, publicatie={"id": publicatie.id}), i)
        for i in (young, old)
    ]
    result = rank_kandidaten(
        publicatie,
        reacties,
        region=region(),
        parameters=default_parameter_table().for_date(DAY),
        allocation_date=DAY,
        vastgesteld_op=datetime(2025, 9, 1, 12, tzinfo=UTC),
    )
    [kandidaat] = result.kandidatenlijst.kandidaten
    assert kandidaat.inschrijving.id == "I-young"
    [selectie] = [c for c in kandidaat.rangschikking if c.criterium == "selectie"]
    assert selectie.waarde == "LEE 18 t/m 27"
    assert "leeftijd" in selectie.omschrijving
    [rejected] = result.rejected
    assert rejected.reasons == (R.LEEFTIJD_TE_HOOG,)


# --- the publish step -----------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[TestDatabase]:
    with sqlite_database(tmp_path) as database:
        yield database


def test_the_flow_holds_an_incomplete_unit_with_every_reason(db: TestDatabase) -> None:
    every_type = Capabilities(encodes=frozenset(MESSAGE_TYPES))
    flow = FlowService(
        db,
        region(),
        parameters=default_parameter_table(),
        clock=SimulatedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
        capabilities=lambda _adapter: every_type,
    )
    message = EenheidVrijgekomen(
        correlation_id="flow-E-real",
        source=MessageSource(tenant="corp-b", system="vera"),
        payload={"eenheid": {"id": "E-real", "idOrganisatie": "corp-b", "adres": {"woonplaats": {"naam": "Nijmegen"}}}},
    )
    with pytest.raises(FlowError) as raised:
        flow.publish_vacancy(message)
    text = str(raised.value)
    assert "E-real is held, not published: 8 problem(s)" in text
    for pointer in ("/soort", "/adres/straatnaam", "/adres/gemeente", "/kamersAantal", "/rekenhuur"):
        assert pointer in text
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PublicatieRecord)) == 0
