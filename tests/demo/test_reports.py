"""Report figures, checked against an independent count over the demo's database: plain SQL over the
stored documents, not the report's own columns or queries."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway.demo.world import DEMO_START
from gateway.reports.figures import compute
from gateway.reports.render import to_csv, to_html
from gateway.store.engine import Database

YEAR = DEMO_START.year
REGION = {"GM0202", "GM0268", "GM0274"}


def independent(database: Path, gemeente: str | None = None) -> dict[str, Any]:
    """The figures recomputed from the JSON documents with sqlite3 and Python."""
    connection = sqlite3.connect(database)
    try:
        toewijzingen = [json.loads(doc) for (doc,) in connection.execute("SELECT document FROM flow_toewijzing")]
        publicaties = {
            row[0]: json.loads(row[1]) for row in connection.execute("SELECT id, document FROM flow_publicatie")
        }
        inschrijvingen = {
            row[0]: json.loads(row[1]) for row in connection.execute("SELECT id, document FROM flow_inschrijving")
        }
        responses = Counter(p for (p,) in connection.execute("SELECT publicatie_id FROM flow_kandidaat"))
        refusals = list(
            connection.execute("SELECT a.publicatie_id, a.detail_status FROM flow_aanbieding a WHERE a.status = 'GEW'")
        )
    finally:
        connection.close()

    def unit_gemeente(publicatie_id: str) -> str:
        return str(publicaties[publicatie_id]["eenheden"][0]["adres"]["gemeente"]["code"])

    lettings = [t for t in toewijzingen if gemeente is None or unit_gemeente(t["publicatie"]["id"]) == gemeente]
    herkomst: Counter[str] = Counter()
    for toewijzing in lettings:
        home = unit_gemeente(toewijzing["publicatie"]["id"])
        came_from = inschrijvingen[toewijzing["inschrijving"]["id"]]["gemeente"]["code"]
        herkomst["gemeente" if came_from == home else "regio" if came_from in REGION else "buiten_regio"] += 1
    passend = sum(t["passendheidsoort"]["code"] == "PAS" for t in lettings)
    niet = sum(t["passendheidsoort"]["code"] == "NIE" for t in lettings)
    listings = [p for p in publicaties if gemeente is None or unit_gemeente(p) == gemeente]
    return {
        "lettings": len(lettings),
        "passend_share": round(passend / (passend + niet), 4) if passend + niet else None,
        "herkomst": {key: herkomst.get(key, 0) for key in ("gemeente", "regio", "buiten_regio")},
        "listings": len(listings),
        "responses": sum(responses[p] for p in listings),
        "refusals_by_reason": dict(
            Counter(reason for p, reason in refusals if gemeente is None or unit_gemeente(p) == gemeente)
        ),
    }


@pytest.mark.parametrize("gemeente", [None, "GM0268", "GM0202"])
def test_figures_match_an_independent_count(finished: dict[str, Any], gemeente: str | None) -> None:
    database = Database(f"sqlite:///{finished['database']}")
    try:
        with database.session() as session:
            report = compute(session, YEAR, gemeente=gemeente).total.as_dict()
    finally:
        database.dispose()
    expected = independent(finished["database"], gemeente)
    assert report["lettings"] == expected["lettings"] > 0
    assert report["passend_share"] == expected["passend_share"]
    assert report["herkomst"] == expected["herkomst"]
    assert report["listings"] == expected["listings"]
    assert report["responses"] == expected["responses"]
    assert report["refusals_by_reason"] == expected["refusals_by_reason"]


def test_a_corporation_report_counts_only_its_own(finished: dict[str, Any]) -> None:
    database = Database(f"sqlite:///{finished['database']}")
    try:
        with database.session() as session:
            whole = compute(session, YEAR)
            corp_b = compute(session, YEAR, corporatie="corp-b")
    finally:
        database.dispose()
    assert set(corp_b.by_corporatie) == {"corp-b"}
    assert corp_b.total.lettings == whole.by_corporatie["corp-b"].lettings
    assert sum(f.lettings for f in whole.by_corporatie.values()) == whole.total.lettings


def test_the_report_command_in_every_format(finished: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", f"sqlite:///{finished['database']}")
    runner = CliRunner()
    as_json = runner.invoke(main, ["report", "--year", str(YEAR), "--format", "json"], catch_exceptions=False)
    assert json.loads(as_json.stdout)["total"]["lettings"] == independent(finished["database"])["lettings"]
    as_csv = runner.invoke(main, ["report", "--year", str(YEAR), "--format", "csv"], catch_exceptions=False)
    assert as_csv.stdout.splitlines()[0] == "scope;sleutel;kengetal;waarde"
    as_html = runner.invoke(main, ["report", "--year", str(YEAR), "--format", "html"], catch_exceptions=False)
    assert "Aandeel passend toegewezen" in as_html.stdout
    assert "http" not in as_html.stdout  # self-contained: no external CDN


def test_csv_export_neutralises_formulas() -> None:
    from gateway.reports.figures import Figures, Report

    report = Report(YEAR, None, None, Figures(lettings=1), {"=HYPERLINK(1)": Figures(lettings=1)}, {})
    assert ";'=HYPERLINK(1);" in to_csv(report)
    assert "&lt;script" in to_html(Report(YEAR, None, None, Figures(), {"<script>": Figures()}, {}))


def test_listings_are_counted_in_the_dutch_calendar_year(tmp_path: Path) -> None:
    """23:30 UTC on 31 December is New Year in the Netherlands: the listing counts in the new year, as
    a letting at that moment does (its `jaar` is the Dutch allocation date's year)."""
    from datetime import UTC, datetime

    from gateway.flow.records import EenheidRecord, PublicatieRecord
    from gateway.store import migrate

    database = Database(f"sqlite:///{tmp_path / 'boundary.sqlite'}")
    migrate.upgrade(database)
    moment = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    try:
        with database.transaction() as session:
            session.add(EenheidRecord(id="e1", corporatie="corp-a", gemeente="GM0202", document={}, updated_at=moment))
            session.flush()
            session.add(
                PublicatieRecord(
                    id="p1",
                    corporatie="corp-a",
                    eenheid_id="e1",
                    gemeente="GM0202",
                    model="AAN",
                    status="GEP",
                    begindatum=moment,
                    einddatum=moment,
                    daeb=True,
                    binding=False,
                    correlation_id="c1",
                    document={},
                    created_at=moment,
                    updated_at=moment,
                )
            )
        with database.session() as session:
            assert compute(session, 2026).total.listings == 1
            assert compute(session, 2025).total.listings == 0
    finally:
        database.dispose()
