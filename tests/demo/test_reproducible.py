"""The demo region run twice with the same seed gives identical rankings, offers and reports, and every
lottery in it passes the standalone verifier (docs/verify_lottery.py) and `woonbrug verify-lottery`,
while a tampered lot, a redrawn seed and a changed response list fail both."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from gateway.cli import main
from gateway.core.clock import SimulatedClock
from gateway.demo import run as demo_run
from gateway.demo.run import DemoOptions
from gateway.demo.world import DEMO_START, demo_world
from gateway.flow.lottery import reacties_digest
from gateway.flow.records import AanbiedingRecord, PublicatieRecord
from gateway.flow.trekkingen import drawn_publicaties, published_trekking
from gateway.reports.figures import compute
from gateway.reports.render import to_json
from tests.conftest import REPO

OPTIONS = DemoOptions(seekers=60, listings_per_corporatie=3, accept=0.5, refuse=0.3, days=30, seed=11)
VERIFIER = REPO / "docs" / "verify_lottery.py"


def _run_once(workdir: Path, seed: int) -> dict[str, Any]:
    clock = SimulatedClock(DEMO_START)

    async def go() -> dict[str, Any]:
        with demo_world(workdir, clock=clock, seed=seed) as world:
            try:
                summary = await demo_run._run(world, clock, OPTIONS)
            finally:
                await world.resolver.aclose()
            with world.db.session() as session:
                unit_of = dict(session.execute(select(PublicatieRecord.id, PublicatieRecord.eenheid_id)).all())
                rankings = {
                    unit_of[record.id]: [
                        (k["inschrijving"]["id"], k["positie"]) for k in record.kandidatenlijst["kandidaten"]
                    ]
                    for record in drawn_publicaties(session)
                }
                offers = sorted(
                    (unit_of[o.publicatie_id], o.inschrijving_id, o.status, o.detail_status or "")
                    for o in session.scalars(select(AanbiedingRecord))
                )
                report = to_json(compute(session, DEMO_START.year))
                draws = [published_trekking(session, record) for record in drawn_publicaties(session)]
        return {
            "summary": summary,
            "rankings": rankings,
            "offers": offers,
            "report": report,
            "draws": draws,
            "database": workdir / "woonbrug.sqlite",
        }

    return asyncio.run(go())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        _run_once(tmp_path_factory.mktemp("first"), OPTIONS.seed),
        _run_once(tmp_path_factory.mktemp("second"), OPTIONS.seed),
    )


def test_the_same_seed_gives_the_same_rankings_offers_and_reports(runs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, second = runs
    assert first["rankings"], "the demo ranked nothing"
    assert first["rankings"] == second["rankings"]
    assert first["offers"] == second["offers"]
    assert first["report"] == second["report"]
    assert first["summary"] == second["summary"]


def _verify(tmp_path: Path, draws: list[dict[str, Any]], name: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(draws), encoding="utf-8")
    # The standalone script, run as an outsider would: a plain interpreter, no Woonbrug on the path.
    return subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path)], capture_output=True, text=True, check=False, cwd=tmp_path
    )


def test_every_lottery_of_the_demo_passes_the_standalone_verifier(
    tmp_path: Path, runs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    draws = runs[0]["draws"]
    lotteries = [
        d for d in draws if any(c["criterium"] == "lotnummer" for k in d["kandidaten"] for c in k["rangschikking"])
    ]
    assert len(lotteries) == len(draws) >= 5
    done = _verify(tmp_path, draws, "all")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": ok (") == len(draws)


def _tampered(draw: dict[str, Any], how: str) -> dict[str, Any]:
    changed = json.loads(json.dumps(draw))
    if how == "lot":
        changed["kandidaten"][0]["rangschikking"][-1]["waarde"] = "0" * 64
    elif how == "seed":
        changed["lotingzaad"] = "ab" * 32
    elif how == "responses":
        changed["reacties"] = [*changed["reacties"][1:], "kan-injected"]
        changed["reactiesDigest"] = reacties_digest(changed["reacties"])
    return changed


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("lot", "recorded lot number differs from the recomputed one"),
        ("seed", "the lotingzaad does not match the commitment published with the listing"),
        ("responses", "recorded lot number differs from the recomputed one"),
    ],
)
def test_a_tampered_lot_a_redrawn_seed_and_a_changed_response_list_fail(
    tmp_path: Path, runs: tuple[dict[str, Any], dict[str, Any]], how: str, message: str
) -> None:
    draw = next(d for d in runs[0]["draws"] if len(d["kandidaten"]) >= 2)
    done = _verify(tmp_path, [_tampered(draw, how)], how)
    assert done.returncode == 1
    assert message in done.stdout
    cli = CliRunner().invoke(main, ["verify-lottery", str(tmp_path / f"{how}.json")])
    assert cli.exit_code == 1
    assert message in cli.stdout


def test_woonbrug_verify_lottery_checks_every_draw_in_the_store(
    tmp_path: Path, runs: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    export = tmp_path / "export.json"
    url = f"sqlite:///{runs[0]['database']}"
    done = CliRunner().invoke(main, ["verify-lottery", "--database-url", url, "--export", str(export)])
    assert done.exit_code == 0, done.output
    count = len(runs[0]["draws"])
    assert f"{count} of {count} draws check out" in done.stderr
    assert json.loads(export.read_text(encoding="utf-8")) == runs[0]["draws"]


def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    done = CliRunner().invoke(main, ["verify-lottery", str(broken)])
    assert done.exit_code == 2
    assert "cannot read a draw record" in done.stderr
    assert "Traceback" not in done.output
    script = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(broken)], capture_output=True, text=True, check=False
    )
    assert script.returncode == 2
    assert "Traceback" not in script.stderr
