"""Sanctions on their own: which reasons are refusals, and when refusals add up to a Sanctie."""

from __future__ import annotations

from datetime import date

from gateway.flow.sanctions import REFUSAL_REASONS, SANCTION_DAYS, is_refusal_reason, sanction_for
from schemas import AanbiedingDetailStatus, SanctieSoort, SanctieStatus

TODAY = date(2026, 3, 2)


def test_below_the_regions_count_there_is_no_sanction() -> None:
    assert sanction_for("I-1", 1, refusals_before_sanction=2, sanctie_id="san-1", today=TODAY) is None
    assert sanction_for("I-1", 0, refusals_before_sanction=1, sanctie_id="san-1", today=TODAY) is None


def test_reaching_the_count_gives_a_mild_sanction_of_three_months() -> None:
    sanctie = sanction_for("I-1", 2, refusals_before_sanction=2, sanctie_id="san-1", today=TODAY)
    assert sanctie is not None
    assert (sanctie.id, sanctie.soort, sanctie.status) == ("san-1", SanctieSoort.MIL, SanctieStatus.DEF)
    assert sanctie.inschrijving is not None
    assert sanctie.inschrijving.id == "I-1"
    assert sanctie.begindatum == TODAY
    assert sanctie.einddatum == date(2026, 6, 1)
    assert (sanctie.einddatum - TODAY).days == SANCTION_DAYS
    assert sanctie.omschrijving == "2 aanbiedingen geweigerd"  # a count, no person


def test_only_reasons_filed_under_a_refusal_count() -> None:
    assert is_refusal_reason(AanbiedingDetailStatus.from_code("WKN"))
    assert not is_refusal_reason(AanbiedingDetailStatus.from_code("ONT"))  # withdrawn by the corporation
    assert not is_refusal_reason(AanbiedingDetailStatus.from_code("REA"))  # no answer in time
    assert len(REFUSAL_REASONS) == 10
