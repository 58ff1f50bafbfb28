"""Quota shares over stored allocations, and the warnings an allocation that breaks a norm raises."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.flow import quotas
from gateway.flow.policy import RegionPolicy
from gateway.flow.records import EenheidRecord, InschrijvingRecord, PublicatieRecord, ToewijzingRecord
from tests.store.databases import sqlite_database

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def letting(n: int, **facts: Any) -> ToewijzingRecord:
    values: dict[str, Any] = {
        "corporatie": "corp-a",
        "gemeente": "GM0202",
        "jaar": 2026,
        "passendheidsoort": "PAS",
        "daeb": True,
        "daeb_doelgroep": True,
        "binding": False,
        "herkomst": "gemeente",
        "inschrijfduur_dagen": 900,
        "reacties": 10,
    }
    values.update(facts)
    return ToewijzingRecord(
        id=f"T-{n}", publicatie_id=f"P-{n}", inschrijving_id=f"I-{n}", datum=NOW, document={}, **values
    )


def store(tmp_path: Path, records: list[ToewijzingRecord]) -> Any:
    context = sqlite_database(tmp_path)
    db = context.__enter__()
    with db.transaction() as session:
        for record in records:
            session.add(
                EenheidRecord(id=f"E-{record.id}", corporatie="corp-a", gemeente="GM0202", document={}, updated_at=NOW)
            )
            session.add(
                PublicatieRecord(
                    id=record.publicatie_id,
                    corporatie="corp-a",
                    eenheid_id=f"E-{record.id}",
                    gemeente="GM0202",
                    model="AAN",
                    status="AAN",
                    begindatum=NOW,
                    einddatum=NOW,
                    daeb=True,
                    binding=False,
                    correlation_id="c",
                    document={},
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            session.add(
                InschrijvingRecord(
                    id=record.inschrijving_id,
                    portal="p",
                    status="LOP",
                    gemeente="GM0202",
                    begindatum=NOW.date(),
                    document={},
                    updated_at=NOW,
                )
            )
            session.flush()
            session.add(record)
    return context, db


def test_shares_count_what_the_norms_count(tmp_path: Path) -> None:
    records = [
        letting(1),
        letting(2, passendheidsoort="NIE"),
        letting(3, passendheidsoort="NVT", daeb=False, daeb_doelgroep=False),
        letting(4, daeb_doelgroep=False, binding=True),
    ]
    context, db = store(tmp_path, records)
    try:
        with db.session() as session:
            shares = quotas.shares(session, 2026, corporatie="corp-a")
            other_year = quotas.shares(session, 2025)
    finally:
        context.__exit__(None, None, None)
    assert shares.lettings == 4
    assert shares.passend_share == Decimal(2) / 3  # PAS / (PAS + NIE): NVT does not count
    assert shares.daeb_share == Decimal(2) / 3  # of 3 DAEB lettings, 2 to the target group
    assert shares.binding_share == Decimal(1) / 4
    assert other_year.lettings == 0
    assert other_year.passend_share is None


def test_an_allocation_that_breaks_a_norm_is_warned_about(tmp_path: Path) -> None:
    context, db = store(tmp_path, [letting(n) for n in range(1, 11)])  # 10 passend DAEB lettings to the group
    try:
        with db.session() as session:
            fine = quotas.warnings_for(session, letting(11), RegionPolicy())
            niet_passend = quotas.warnings_for(session, letting(12, passendheidsoort="NIE"), RegionPolicy())
            outside_group = quotas.warnings_for(session, letting(13, daeb_doelgroep=False), RegionPolicy())
            binding = quotas.warnings_for(
                session, letting(14, binding=True), RegionPolicy(binding_share_cap=Decimal("0.05"))
            )
    finally:
        context.__exit__(None, None, None)
    assert fine == []
    assert niet_passend == [
        "corporatie corp-a: passend share 90.9% below the 95% norm",
        "gemeente GM0202: passend share 90.9% below the 95% norm",
    ]
    assert outside_group[0] == "corporatie corp-a: DAEB target share 90.9% below the 92.5% norm"
    # The binding cap is a share of listings, held when they are published (gateway.flow.binding), not
    # a norm on lettings: a letting through binding raises no quota warning.
    assert binding == []


def test_lettings_by_counts_per_group_and_agrees_with_shares(tmp_path: Path) -> None:
    records = [
        letting(1),
        letting(2, corporatie="corp-b", gemeente="GM0268", passendheidsoort="NIE"),
        letting(3, corporatie="corp-b", binding=True),
        letting(4, jaar=2025),
    ]
    context, db = store(tmp_path, records)
    try:
        with db.session() as session:
            by_corporatie = quotas.lettings_by(session, 2026, "corporatie")
            by_gemeente = quotas.lettings_by(session, 2026, "gemeente", corporatie="corp-b")
            total = quotas.lettings_by(session, 2026, None)
            nothing = quotas.lettings_by(session, 2024, None)
            corp_b = quotas.shares(session, 2026, corporatie="corp-b")
    finally:
        context.__exit__(None, None, None)
    assert {key: counts.lettings for key, counts in by_corporatie.items()} == {"corp-a": 1, "corp-b": 2}
    assert by_corporatie["corp-b"] == corp_b
    assert (corp_b.niet_passend, corp_b.binding) == (1, 1)
    assert {key: counts.lettings for key, counts in by_gemeente.items()} == {"GM0202": 1, "GM0268": 1}
    assert total[""].lettings == 3
    assert nothing == {}


def test_quota_warnings_is_pure_over_the_counts_before() -> None:
    before = quotas.Shares(lettings=9, daeb=9, daeb_doelgroep=9, passend=9, niet_passend=0, binding=0)
    policy = RegionPolicy()
    assert quotas.quota_warnings(letting(1), {"corporatie": before, "gemeente": before}, policy) == []
    empty = quotas.Shares(0, 0, 0, 0, 0, 0)
    warned = quotas.quota_warnings(
        letting(2, passendheidsoort="NIE"), {"corporatie": empty, "gemeente": before}, policy
    )
    assert warned == [
        "corporatie corp-a: passend share 0.0% below the 95% norm",
        "gemeente GM0202: passend share 90.0% below the 95% norm",
    ]


def test_in_daeb_doelgroep_is_a_daeb_unit_let_within_the_income_limit() -> None:
    from gateway.flow.parameters import default_parameter_table

    parameters = default_parameter_table().for_year(2026)
    limit = parameters.daeb_income_limit(1)
    assert quotas.in_daeb_doelgroep(True, limit, 1, parameters)
    assert not quotas.in_daeb_doelgroep(True, limit + Decimal("0.01"), 1, parameters)
    assert not quotas.in_daeb_doelgroep(False, Decimal(1), 1, parameters)
