"""Ranking: each publicatiemodel, voorrang tiers, ties, a lottery anyone can recompute, determinism."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gateway.flow.eligibility import RejectionReason
from gateway.flow.lottery import (
    lotingzaad_commitment,
    lotnummer,
    new_lotingzaad,
    reacties_digest,
    seeded_lotingzaad_source,
    trekking,
    verify_trekking,
)
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RegionConfig, TieBreaker, VoorrangTier, parse_region
from gateway.flow.ranking import RankingResult, Reactie, rank_kandidaten
from schemas import Eenheid, Kandidaat, Publicatie, Sanctie
from schemas.privacy import personal_values
from schemas.referentiedata import PassendheidDetailSoort, PassendheidSoort
from tests import factories
from tests.conftest import REPO
from tests.flow.builders import DEMO_REGION_FILE, household, listing, region, unit

DAY = date(2026, 3, 10)
FIXED_AT = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
SEED = "3f1c9a7e5b2d4f60a8c1e3b5d7f9021436587a9cbedf0123456789abcdef0123"
OUTSIDE = {"code": "GM0363", "naam": "Amsterdam"}  # not in the demo region
RENKUM = {"code": "GM0274", "naam": "Renkum"}


def _reactie(
    n: int,
    *,
    begindatum: str = "2020-01-01",
    reactie_at: datetime | None = None,
    inschrijving_id: str | None = None,
    kandidaat_id: str | None = None,
    **household_changes: Any,
) -> Reactie:
    inschrijving_id = inschrijving_id or f"I-{n:04d}"
    inschrijving = household(id=inschrijving_id, begindatum=begindatum, **household_changes)
    kandidaat = factories.kandidaat(
        id=kandidaat_id or f"K-{n:04d}",
        inschrijving={"id": inschrijving_id},
        reactiedatum=(reactie_at or datetime(2026, 3, 3, 10, 0, tzinfo=UTC)).isoformat(),
    )
    return Reactie(kandidaat, inschrijving)


def _rank(
    publicatie: Publicatie, reacties: list[Reactie], config: RegionConfig | None = None, **kwargs: Any
) -> RankingResult:
    kwargs.setdefault("allocation_date", DAY)
    kwargs.setdefault("parameters", default_parameter_table().for_date(kwargs["allocation_date"]))
    kwargs.setdefault("vastgesteld_op", FIXED_AT)
    return rank_kandidaten(publicatie, reacties, region=config or region(), **kwargs)


def _order(result: RankingResult) -> list[str]:
    return [k.inschrijving.id for k in result.kandidatenlijst.kandidaten]


def _criteria(kandidaat: Kandidaat) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for criterium in kandidaat.rangschikking:
        found.setdefault(criterium.criterium, []).append(criterium.waarde)
    return found


def _plain_unit(**changes: Any) -> Eenheid:
    return unit(rekenhuur="600.00", **changes)


# --- the three models ----------------------------------------------------------------------------------


def test_aanbodmodel_ranks_by_inschrijfduur() -> None:
    reacties = [
        _reactie(1, begindatum="2021-05-01"),
        _reactie(2, begindatum="2015-02-03"),
        _reactie(3, begindatum="2018-11-30"),
    ]
    result = _rank(listing(_plain_unit(), "AAN"), reacties)
    assert _order(result) == ["I-0002", "I-0003", "I-0001"]
    lijst = result.kandidatenlijst
    assert [k.positie for k in lijst.kandidaten] == [1, 2, 3]
    assert lijst.lotingzaad is None
    first = lijst.kandidaten[0]
    assert _criteria(first)["inschrijfduur"] == ["2015-02-03"]
    assert (
        "Ingeschreven sinds 3 februari 2015: 11 jaar en 1 maand op 10 maart 2026"
        in first.rangschikking[-1].omschrijving
    )


def test_eerste_reageerder_ranks_by_response_time() -> None:
    t = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    reacties = [
        _reactie(1, reactie_at=t + timedelta(seconds=3), begindatum="2010-01-01"),
        _reactie(2, reactie_at=t + timedelta(seconds=1), begindatum="2024-01-01"),
        _reactie(3, reactie_at=t + timedelta(minutes=5)),
    ]
    result = _rank(listing(_plain_unit(), "EER"), reacties)
    assert _order(result) == ["I-0002", "I-0001", "I-0003"]
    first = result.kandidatenlijst.kandidaten[0]
    assert _criteria(first)["reactiedatum"] == ["2026-03-02T09:00:01Z"]
    explained = {c.criterium: c.omschrijving for c in first.rangschikking}
    assert "10:00:01 (Nederlandse tijd)" in explained["reactiedatum"]
    # The region's tie-breaker follows the model's key, and says that it only counts on a tie.
    assert explained["inschrijfduur"].startswith("Bij gelijke stand op de criteria hierboven")


def _independent_lot(seed: str, kandidaat_ids: list[str], kandidaat_id: str) -> str:
    # The documented formula, written out again: SHA-256 over the sorted, line-feed-joined response list,
    # then HMAC-SHA256 keyed by the seed bytes over "digest:kandidaat id".
    digest = hashlib.sha256("\n".join(sorted(kandidaat_ids)).encode()).hexdigest()
    return hmac.new(bytes.fromhex(seed), f"{digest}:{kandidaat_id}".encode(), hashlib.sha256).hexdigest()


def _trekking(result: RankingResult, seed: str = SEED) -> dict[str, Any]:
    lijst = result.kandidatenlijst.model_dump(mode="json")
    return trekking(
        "pub-1",
        commitment=lotingzaad_commitment(seed),
        lotingzaad=lijst["lotingzaad"],
        reacties=result.reacties,
        kandidaten=lijst["kandidaten"],
    )


def test_lottery_can_be_recomputed_by_anyone_from_its_seed_and_the_closed_responses() -> None:
    reacties = [_reactie(n, begindatum=f"20{10 + n % 10}-01-01") for n in range(1, 41)]
    result = _rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad=SEED)
    lijst = result.kandidatenlijst
    assert lijst.lotingzaad == SEED
    ids = [r.kandidaat.id for r in reacties]
    assert result.reacties == tuple(sorted(ids))
    expected = sorted((r.inschrijving.id for r in reacties), key=lambda i: _independent_lot(SEED, ids, "K" + i[1:]))
    assert _order(result) == expected
    for kandidaat in lijst.kandidaten:
        assert _criteria(kandidaat)["lotnummer"] == [_independent_lot(SEED, ids, kandidaat.id)]
    assert verify_trekking(_trekking(result)) == []


def test_the_draw_depends_on_the_closed_list_of_responses() -> None:
    """The secret is fixed at publication, but nobody can know the lots before the window closes: one
    more (or one fewer) response changes every lot number."""
    reacties = [_reactie(n) for n in range(1, 21)]
    full = _rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad=SEED)
    fewer = _rank(listing(_plain_unit(), "LOT"), reacties[1:], lotingzaad=SEED)
    lots = {k.id: _criteria(k)["lotnummer"] for k in full.kandidatenlijst.kandidaten}
    assert all(lots[k.id] != _criteria(k)["lotnummer"] for k in fewer.kandidatenlijst.kandidaten)


def test_lot_numbers_ignore_inschrijfduur() -> None:
    reacties = [_reactie(n, begindatum=f"20{10 + n}-01-01") for n in range(1, 9)]
    by_lot = _order(_rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad=SEED))
    by_duur = _order(_rank(listing(_plain_unit(), "AAN"), reacties, lotingzaad=SEED))
    assert by_lot != by_duur


def test_another_seed_gives_another_draw() -> None:
    reacties = [_reactie(n) for n in range(1, 21)]
    first = _order(_rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad=SEED))
    second = _order(_rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad="0" * 63 + "1"))
    assert first != second


def test_a_tampered_lottery_fails_verification() -> None:
    result = _rank(listing(_plain_unit(), "LOT"), [_reactie(n) for n in range(1, 6)], lotingzaad=SEED)
    draw = _trekking(result)
    # A redrawn seed: the revealed secret no longer matches what was committed at publication.
    redrawn = {**draw, "lotingzaad": "ab" * 32}
    problems = verify_trekking(redrawn)
    assert problems[0] == "the lotingzaad does not match the commitment published with the listing"
    assert sum("differs from the recomputed one" in p for p in problems) == len(draw["kandidaten"])
    # Swap the first two candidates (keeping positions consecutive): the order no longer follows the lots.
    first, second, *rest = draw["kandidaten"]
    swapped = {**draw, "kandidaten": [{**second, "positie": 1}, {**first, "positie": 2}, *rest]}
    assert verify_trekking(swapped) == ["positie 2: placed after a higher lot number with equal criteria before it"]
    # A changed response list (one response left out, digest recomputed to match): every lot changes.
    dropped = [r for r in draw["reacties"] if r != draw["kandidaten"][-1]["id"]]
    changed = {**draw, "reacties": dropped, "reactiesDigest": reacties_digest(dropped)}
    changed_problems = verify_trekking(changed)
    assert f"kandidaat {draw['kandidaten'][-1]['id']} is not in the response list" in changed_problems[-2]
    assert sum("differs from the recomputed one" in p for p in changed_problems) == len(draw["kandidaten"])
    # The list changed but the digest kept: said as such.
    assert verify_trekking({**draw, "reacties": dropped})[0] == "the response list does not match its published digest"
    # One lot number edited.
    edited = json.loads(json.dumps(draw))
    edited["kandidaten"][0]["rangschikking"][-1]["waarde"] = "0" * 64
    assert verify_trekking(edited) == ["positie 1: recorded lot number differs from the recomputed one"]


def test_a_record_without_a_revealed_seed_is_no_draw() -> None:
    assert verify_trekking({"publicatie": "pub-1", "commitment": "00" * 32, "lotingzaad": None}) == [
        "no lotingzaad revealed: the draw has not taken place or the record is incomplete"
    ]


def test_a_lottery_needs_its_seed() -> None:
    with pytest.raises(ValueError, match="lotingzaad fixed at publication"):
        _rank(listing(_plain_unit(), "LOT"), [_reactie(1)])
    with pytest.raises(ValueError, match="64 lower-case hexadecimal"):
        _rank(listing(_plain_unit(), "LOT"), [_reactie(1)], lotingzaad="ABC")


def test_seed_helpers() -> None:
    seed = new_lotingzaad()
    assert len(seed) == 64
    assert seed != new_lotingzaad()
    assert lotingzaad_commitment(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    assert lotnummer(SEED, reacties_digest(["K-1"]), "K-1") == _independent_lot(SEED, ["K-1"], "K-1")
    demo, again = seeded_lotingzaad_source(7), seeded_lotingzaad_source(7)
    assert [demo() for _ in range(3)] == [again() for _ in range(3)]
    assert seeded_lotingzaad_source(8)() != seeded_lotingzaad_source(7)()


def test_a_model_the_region_has_no_rule_for_is_refused() -> None:
    with pytest.raises(LookupError, match="OPT"):
        _rank(listing(_plain_unit(), "OPT"), [_reactie(1)])


# --- ties ----------------------------------------------------------------------------------------------


def test_ties_are_broken_by_the_regions_rule_inschrijfdatum_then_the_lot_never_by_id() -> None:
    """Issue 17: ties went to the lowest Inschrijving id. Now: equal inschrijfdatum goes to the lot."""
    reacties = [
        _reactie(0, inschrijving_id="B-1", kandidaat_id="K-b", begindatum="2019-01-01"),
        _reactie(1, inschrijving_id="A-2", kandidaat_id="K-a", begindatum="2019-01-01"),
        _reactie(2, inschrijving_id="C-3", kandidaat_id="K-c", begindatum="2012-01-01"),
    ]
    result = _rank(listing(_plain_unit(), "AAN"), reacties, lotingzaad=SEED)
    ids = ["K-a", "K-b", "K-c"]
    tied = sorted(["A-2", "B-1"], key=lambda i: _independent_lot(SEED, ids, {"A-2": "K-a", "B-1": "K-b"}[i]))
    assert _order(result) == ["C-3", *tied]
    untied, tied_a, _ = result.kandidatenlijst.kandidaten
    assert [c.criterium for c in tied_a.rangschikking] == ["voorrang", "inschrijfduur", "lotnummer"]
    assert "Bij gelijke stand op de criteria hierboven beslist het lot" in tied_a.rangschikking[-1].omschrijving
    assert "volgorde" not in _criteria(untied)
    assert verify_trekking(_trekking(result)) == []
    # Whatever the ids: renaming the households does not change who wins the tie.
    renamed = [
        _reactie(0, inschrijving_id="Z-9", kandidaat_id="K-b", begindatum="2019-01-01"),
        _reactie(1, inschrijving_id="A-0", kandidaat_id="K-a", begindatum="2019-01-01"),
        _reactie(2, inschrijving_id="C-3", kandidaat_id="K-c", begindatum="2012-01-01"),
    ]
    again = _rank(listing(_plain_unit(), "AAN"), renamed, lotingzaad=SEED)
    assert [k.id for k in again.kandidatenlijst.kandidaten] == [k.id for k in result.kandidatenlijst.kandidaten]


def test_first_responders_tie_on_the_second_goes_to_inschrijfdatum_then_the_lot() -> None:
    same = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    reacties = [
        _reactie(9, reactie_at=same, begindatum="2020-01-01"),
        _reactie(10, reactie_at=same, begindatum="2016-01-01"),
        _reactie(11, reactie_at=same, begindatum="2020-01-01"),
    ]
    result = _rank(listing(_plain_unit(), "EER"), reacties, lotingzaad=SEED)
    assert _order(result)[0] == "I-0010"  # registered longest
    names = [c.criterium for c in result.kandidatenlijst.kandidaten[0].rangschikking]
    assert names == ["voorrang", "reactiedatum", "inschrijfduur", "lotnummer"]
    assert verify_trekking(_trekking(result)) == []


def test_the_region_chooses_its_tie_breakers() -> None:
    same_day = [_reactie(n, begindatum="2019-01-01") for n in range(1, 6)]
    config = region()
    lot_only = config.model_copy(
        update={"policy": config.policy.model_copy(update={"tie_breakers": [TieBreaker.LOTING]})}
    )
    result = _rank(listing(_plain_unit(), "EER"), same_day, lot_only, lotingzaad=SEED)
    names = [c.criterium for c in result.kandidatenlijst.kandidaten[0].rangschikking]
    assert names == ["voorrang", "reactiedatum", "lotnummer"]


def test_without_a_seed_a_tie_falls_back_to_the_kandidaat_id_not_the_registration() -> None:
    """Only for a listing published before every listing had a secret: the Kandidaat id (a hash in the
    flow) decides, and says so."""
    same = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    reacties = [_reactie(n, kandidaat_id=f"K-{n}", reactie_at=same, begindatum="2020-01-01") for n in (9, 11, 10)]
    result = _rank(listing(_plain_unit(), "EER"), reacties)
    assert [k.id for k in result.kandidatenlijst.kandidaten] == ["K-10", "K-11", "K-9"]
    assert "geen lotingzaad" in result.kandidatenlijst.kandidaten[0].rangschikking[-1].omschrijving


# --- voorrang ------------------------------------------------------------------------------------------


def _urgentie(**changes: Any) -> list[dict[str, Any]]:
    data: dict[str, Any] = {
        "soort": {"code": "URG"},
        "begindatum": "2026-01-01T00:00:00+01:00",
        "einddatum": "2026-12-31T23:59:59+01:00",
    }
    data.update(changes)
    return [data]


def test_urgentie_goes_before_inschrijfduur() -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01"),
        _reactie(2, begindatum="2025-06-01", voorrangsregelingen=_urgentie()),
    ]
    result = _rank(listing(_plain_unit(), "AAN"), reacties)
    assert _order(result) == ["I-0002", "I-0001"]
    urgent = result.kandidatenlijst.kandidaten[0]
    assert urgent.rangschikking[0].criterium == "voorrang"
    assert urgent.rangschikking[0].waarde == "URG: ja"
    assert "urgentieverklaring" in urgent.rangschikking[0].omschrijving


@pytest.mark.parametrize(
    "changes",
    [
        {"begindatum": "2026-03-11T00:00:00+01:00"},  # not yet valid
        {"begindatum": "2026-03-10T23:30:00Z"},  # 00:30 on 11 March in the Netherlands: not yet valid
        {"begindatum": "2025-01-01T00:00:00+01:00", "einddatum": "2026-03-09T23:59:00+01:00"},  # expired
        {"status": {"code": "AFG"}},  # refused
        {"status": {"code": "AAN"}},  # only applied for
        {"soort": {"code": "GRO"}},  # not urgentie
        {"gemeente": {"code": "GM0202", "naam": "Arnhem"}},  # valid in another gemeente than the unit's
    ],
)
def test_urgentie_that_does_not_hold_on_the_day_gives_no_priority(changes: dict[str, Any]) -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01"),
        _reactie(2, begindatum="2025-06-01", voorrangsregelingen=_urgentie(**changes)),
    ]
    assert _order(_rank(listing(_plain_unit(), "AAN"), reacties)) == ["I-0001", "I-0002"]


def test_urgentie_valid_on_its_last_day_counts() -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01"),
        _reactie(
            2,
            begindatum="2025-06-01",
            voorrangsregelingen=_urgentie(einddatum="2026-03-10T00:00:00+01:00", status={"code": "GEC"}),
        ),
    ]
    assert _order(_rank(listing(_plain_unit(), "AAN"), reacties)) == ["I-0002", "I-0001"]


def test_local_binding_only_on_a_unit_that_lists_it() -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01", gemeente=RENKUM),
        _reactie(2, begindatum="2025-06-01"),  # lives in Nijmegen, the unit's gemeente
    ]
    krn = _plain_unit(criteria=[{"soort": {"code": "BIN"}, "detailsoort": {"code": "KRN"}}])
    result = _rank(listing(krn, "AAN"), reacties)
    assert _order(result) == ["I-0002", "I-0001"]
    assert _criteria(result.kandidatenlijst.kandidaten[0])["voorrang"] == ["URG: nee", "BIN/KRN: ja"]
    assert _order(_rank(listing(_plain_unit(), "AAN"), reacties)) == ["I-0001", "I-0002"]


def test_regional_binding_puts_the_region_first() -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01", gemeente=OUTSIDE),
        _reactie(2, begindatum="2025-06-01", gemeente=RENKUM),
    ]
    reg = _plain_unit(criteria=[{"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}])
    result = _rank(listing(reg, "AAN"), reacties)
    assert _order(result) == ["I-0002", "I-0001"]
    outsider = result.kandidatenlijst.kandidaten[1]
    assert "BIN/REG: nee" in _criteria(outsider)["voorrang"]


def test_doelgroep_voorrang() -> None:
    reacties = [
        _reactie(1, begindatum="2005-01-01", persons=1),
        _reactie(2, begindatum="2025-06-01", persons=3, partner_birth="1991-01-01"),
    ]
    gezin = _plain_unit(doelgroep={"code": "GEZ"})
    assert _order(_rank(listing(gezin, "AAN"), reacties)) == ["I-0002", "I-0001"]


def test_tiers_apply_in_the_regions_order() -> None:
    both = _plain_unit(
        criteria=[
            {"soort": {"code": "BIN"}, "detailsoort": {"code": "KRN"}},
            {"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}},
        ]
    )
    local = _reactie(1, begindatum="2024-01-01")  # Nijmegen: local and regional binding
    urgent_outside = _reactie(2, begindatum="2025-01-01", gemeente=OUTSIDE, voorrangsregelingen=_urgentie())
    regional = _reactie(3, begindatum="2010-01-01", gemeente=RENKUM)
    reacties = [local, urgent_outside, regional]
    assert _order(_rank(listing(both, "AAN"), reacties)) == ["I-0002", "I-0001", "I-0003"]

    config = region()
    binding_first = config.model_copy(
        update={
            "policy": config.policy.model_copy(
                update={"voorrang": [VoorrangTier.BIN_REG, VoorrangTier.BIN_KRN, VoorrangTier.URG]}
            )
        }
    )
    # Now regional binding decides first; among those, local binding; the outsider comes last.
    assert _order(_rank(listing(both, "AAN"), reacties, binding_first)) == ["I-0001", "I-0003", "I-0002"]


def test_tiers_compare_one_after_the_other() -> None:
    # Urgent with local binding beats urgent without; both beat local binding without urgentie.
    krn = _plain_unit(criteria=[{"soort": {"code": "BIN"}, "detailsoort": {"code": "KRN"}}])
    reacties = [
        _reactie(1, begindatum="2001-01-01"),
        _reactie(2, begindatum="2020-01-01", gemeente=RENKUM, voorrangsregelingen=_urgentie()),
        _reactie(3, begindatum="2024-01-01", voorrangsregelingen=_urgentie()),
    ]
    assert _order(_rank(listing(krn, "AAN"), reacties)) == ["I-0003", "I-0002", "I-0001"]


def test_voorrang_order_also_holds_in_a_lottery() -> None:
    reacties = [_reactie(n) for n in range(1, 11)]
    reacties.append(_reactie(99, voorrangsregelingen=_urgentie()))
    result = _rank(listing(_plain_unit(), "LOT"), reacties, lotingzaad=SEED)
    assert _order(result)[0] == "I-0099"
    assert verify_trekking(_trekking(result)) == []


# --- eligibility inside ranking ------------------------------------------------------------------------


def test_ineligible_responses_come_back_separately_with_their_reasons() -> None:
    sanctie = Sanctie.model_validate(
        {
            "id": "S-1",
            "soort": {"code": "ZWA"},
            "status": {"code": "DEF"},
            "begindatum": "2026-01-01",
            "inschrijving": {"id": "I-0003"},
        }
    )
    reacties = [
        _reactie(1),
        _reactie(2, income="99999.00"),  # above the DAEB limit
        _reactie(3),  # sanctioned
        _reactie(4, status={"code": "BEE"}),
    ]
    result = _rank(listing(_plain_unit(), "AAN"), reacties, sancties=[sanctie])
    assert _order(result) == ["I-0001"]
    rejected = {r.kandidaat.inschrijving.id: r.reasons for r in result.rejected}
    assert rejected == {
        "I-0002": (RejectionReason.DAEB_INKOMENSGRENS,),
        "I-0003": (RejectionReason.GESANCTIONEERD,),
        "I-0004": (RejectionReason.INSCHRIJVING_NIET_ACTIEF,),
    }
    assert all(r.kandidaat.positie is None for r in result.rejected)


def test_a_recorded_passend_exception_lets_a_household_onto_the_list() -> None:
    dear = unit(rekenhuur="800.00")
    reacties = [_reactie(1, income="20000.00"), _reactie(2, income="20000.00")]
    result = _rank(listing(dear, "AAN"), reacties, passend_exceptions={"I-0002": PassendheidDetailSoort.HHV})
    assert _order(result) == ["I-0002"]
    assert [r.reasons for r in result.rejected] == [(RejectionReason.NIET_PASSEND,)]
    (ranked,) = result.kandidatenlijst.kandidaten
    assert ranked.passendheidsoort is PassendheidSoort.NIE
    assert result.eligibility[ranked.id].passendheiddetailsoort is PassendheidDetailSoort.HHV


def test_a_second_response_from_the_same_inschrijving_is_rejected() -> None:
    early = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    reacties = [
        _reactie(1, inschrijving_id="I-SAME", kandidaat_id="K-late", reactie_at=early + timedelta(hours=1)),
        _reactie(2, inschrijving_id="I-SAME", kandidaat_id="K-early", reactie_at=early),
        _reactie(3),
    ]
    result = _rank(listing(_plain_unit(), "AAN"), reacties)
    assert [k.id for k in result.kandidatenlijst.kandidaten if k.inschrijving.id == "I-SAME"] == ["K-early"]
    assert [(r.kandidaat.id, r.reasons) for r in result.rejected] == [("K-late", (RejectionReason.DUBBELE_REACTIE,))]


def test_ranked_kandidaten_carry_household_size_and_passendheid() -> None:
    result = _rank(listing(_plain_unit(), "AAN"), [_reactie(1, persons=3, partner_birth="1991-01-01")])
    (kandidaat,) = result.kandidatenlijst.kandidaten
    assert (kandidaat.aantal_volwassenen, kandidaat.aantal_kinderen) == (2, 1)
    assert kandidaat.passendheidsoort is PassendheidSoort.PAS
    assert result.eligibility[kandidaat.id].huishoudgrootte == 3


def test_responses_to_another_listing_are_a_programming_error() -> None:
    stray = _reactie(1)
    stray = Reactie(
        factories.kandidaat(id="K-0001", publicatie={"id": "P-other"}, inschrijving={"id": "I-0001"}),
        stray.inschrijving,
    )
    with pytest.raises(ValueError, match="another publicatie"):
        _rank(listing(_plain_unit(), "AAN"), [stray])


def test_the_list_is_for_the_publicatie_and_its_owner() -> None:
    result = _rank(listing(_plain_unit(), "AAN", code="WB-2026-0001"), [_reactie(1)])
    lijst = result.kandidatenlijst
    assert (lijst.publicatie.id, lijst.publicatie.code) == ("P-2001", "WB-2026-0001")
    assert lijst.id_organisatie == "corp-a"
    assert lijst.vastgesteld_op == FIXED_AT


def test_an_empty_listing_gives_an_empty_list() -> None:
    result = _rank(listing(_plain_unit(), "AAN"), [])
    assert result.kandidatenlijst.kandidaten == []
    assert result.rejected == ()


# --- determinism and privacy ---------------------------------------------------------------------------


def _mixed_reacties() -> list[Reactie]:
    rng = random.Random(20260310)
    reacties = []
    for n in range(60):
        extra: dict[str, Any] = {}
        if n % 7 == 0:
            extra["voorrangsregelingen"] = _urgentie()
        if n % 5 == 0:
            extra["gemeente"] = OUTSIDE
        if n % 11 == 0:
            extra["income"] = "80000.00"
        reacties.append(
            _reactie(
                n,
                begindatum=f"20{10 + rng.randrange(10)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}",
                reactie_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(seconds=rng.randrange(30)),
                **extra,
            )
        )
    return reacties


@pytest.mark.parametrize("model", ["AAN", "LOT", "EER"])
def test_shuffled_input_gives_the_same_list(model: str) -> None:
    reg = _plain_unit(criteria=[{"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}])
    publicatie = listing(reg, model)
    reacties = _mixed_reacties()
    seed = SEED if model == "LOT" else None
    reference = _rank(publicatie, reacties, lotingzaad=seed)
    reference_json = reference.kandidatenlijst.model_dump_json()
    rng = random.Random(7)
    for _ in range(5):
        shuffled = reacties[:]
        rng.shuffle(shuffled)
        again = _rank(publicatie, shuffled, lotingzaad=seed)
        assert again.kandidatenlijst.model_dump_json() == reference_json
        assert again.rejected == reference.rejected
    assert len(reference.kandidatenlijst.kandidaten) + len(reference.rejected) == len(reacties)


def test_every_position_is_explained_in_dutch() -> None:
    lijst = _rank(listing(_plain_unit(), "AAN"), _mixed_reacties()).kandidatenlijst
    assert [k.positie for k in lijst.kandidaten] == list(range(1, len(lijst.kandidaten) + 1))
    for kandidaat in lijst.kandidaten:
        assert kandidaat.rangschikking
        assert all(c.omschrijving for c in kandidaat.rangschikking)
    assert "gaat voor" in lijst.kandidaten[0].rangschikking[-1].omschrijving


def test_the_list_holds_no_personal_data() -> None:
    reacties = _mixed_reacties()
    result = _rank(listing(_plain_unit(), "AAN"), reacties)
    text = result.kandidatenlijst.model_dump_json() + json.dumps(
        [[r.kandidaat.id, [reason.omschrijving for reason in r.reasons]] for r in result.rejected]
    )
    for reactie in reacties:
        for value in personal_values(reactie.inschrijving):
            assert value not in text


def test_region_parameter_overrides_change_the_outcome() -> None:
    # The same household and unit: passend with the national figures, not after the region lowers the limit.
    reacties = [_reactie(1, income="20000.00")]
    publicatie = listing(unit(rekenhuur="700.00"), "AAN")
    assert _order(_rank(publicatie, reacties)) == ["I-0001"]
    config = parse_region(
        (REPO / DEMO_REGION_FILE)
        .read_text(encoding="utf-8")
        .replace("parameter_overrides: {}", "parameter_overrides: {2026: {aftoppingsgrens_low: '650.00'}}")
    )
    parameters = config.parameter_table(default_parameter_table()).for_date(DAY)
    result = _rank(publicatie, reacties, config, parameters=parameters)
    assert _order(result) == []
    assert result.rejected[0].reasons == (RejectionReason.NIET_PASSEND,)


def test_a_kandidaat_must_refer_to_the_inschrijving_it_comes_with() -> None:
    first, second = _reactie(1), _reactie(2)
    with pytest.raises(ValueError, match="does not refer to the inschrijving"):
        _rank(listing(_plain_unit(), "AAN"), [Reactie(first.kandidaat, second.inschrijving)])
