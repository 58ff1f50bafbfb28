"""`woonbrug import`: a registrations CSV through the csv adapter into the store; bad rows go to the
rejects file with where and why; running the same file again changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from gateway.cli import main
from gateway.flow.records import InschrijvingRecord
from gateway.store.engine import Database
from gateway.store.models import InboxMessage
from tests import factories
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "adapters" / "csv" / "golden"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    source = tmp_path / "inschrijvingen.csv"
    source.write_bytes((GOLDEN / "inschrijvingen.csv").read_bytes())
    config = tmp_path / "csv.yaml"
    config.write_text("tenant: corp-a\nmapping: inschrijvingen\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", url)
    return source, config, url


def run_import(source: Path, config: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        main, ["import", str(source), "--adapter", "csv", "--config", str(config), "--json"], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout)


def expected_rejects() -> int:
    with (GOLDEN / "inschrijvingen.rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=";")) - 1


def stored(url: str) -> int:
    database = Database(url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(InschrijvingRecord)) or 0
    finally:
        database.dispose()


def test_import_loads_good_rows_and_writes_bad_ones_to_the_rejects_file(setup: tuple[Path, Path, str]) -> None:
    source, config, url = setup
    code, summary = run_import(source, config)
    assert code == 2  # some rows were rejected
    assert summary["rejected"] == expected_rejects() > 0
    assert summary["new"] == summary["read"] - summary["rejected"]  # type: ignore[operator]
    assert stored(url) == summary["new"]
    rejects = Path(str(summary["rejects_file"])).read_text(encoding="utf-8")
    assert "Postcode" in rejects
    assert "11-check" in rejects
    for personal in ("123456789", "Kuipers", "Renée", "5-5-1955"):
        assert personal not in rejects  # where and why, never the values


def test_running_the_same_file_again_changes_nothing(setup: tuple[Path, Path, str]) -> None:
    source, config, url = setup
    _, first = run_import(source, config)
    _, again = run_import(source, config)
    assert again["new"] == 0
    assert again["already_imported"] == first["new"]
    assert stored(url) == first["new"]


def test_the_bsn_is_kept_for_the_registration_but_not_in_the_inbox(setup: tuple[Path, Path, str]) -> None:
    source, config, url = setup
    run_import(source, config)
    database = Database(url)
    try:
        with database.session() as session:
            document = session.get(InschrijvingRecord, "I-0001").document  # type: ignore[union-attr]
            payloads = [str(payload) for payload in session.scalars(select(InboxMessage.payload))]
    finally:
        database.dispose()
    assert document["aanvrager"]["bsn"] == factories.BSN_VALID
    assert payloads
    assert all(factories.BSN_VALID not in payload for payload in payloads)
