"""`woonbrug import` through the one inbound pipeline (the real CLI, a real SQLite store): the same
ownership check as every other entry point, and one bad row never loses the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from gateway.cli import main
from gateway.demo import run as demo_run
from gateway.demo.population import vacancies
from gateway.flow.records import EenheidRecord
from gateway.inbound import rejections
from gateway.store import audit
from gateway.store.engine import Database


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", url)
    return url


def run_import(path: Path, config: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    arguments = ["import", str(path), "--adapter", "csv", "--config", str(config), "--json", *extra]
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_an_imported_row_for_another_corporation_is_refused_and_the_rest_is_loaded(
    tmp_path: Path, store_url: str
) -> None:
    own = vacancies("corp-c", "csv", [("GM0202", "Arnhem")], 2, seed=1)
    foreign = vacancies("corp-b", "csv", [("GM0268", "Nijmegen")], 1, seed=2, first=90)
    source = tmp_path / "vrijgekomen.csv"
    source.write_bytes(demo_run._vacancy_csv([own[0], *foreign, own[1]]))
    config = tmp_path / "csv.yaml"
    config.write_text("tenant: corp-c\nmapping: eenheden\n", encoding="utf-8")

    code, summary, stderr = run_import(source, config, "--corporatie", "corp-c")

    assert code == 2  # something was refused
    assert (summary["new"], summary["not_owner"], summary["refused_by_flow"]) == (2, 1, 0)
    assert stderr.count("refused") == 1
    assert "record 2: refused: message csv-" in stderr  # the second record of the file
    rejects = Path(str(summary["rejects_file"])).read_text(encoding="utf-8").splitlines()
    assert rejects == [
        "record;row;column;line;field;reason",
        "2;;;;/payload/eenheid/idOrganisatie;corp-c reports vacancies of its own units only",
    ]
    database = Database(store_url)
    try:
        with database.session() as session:
            stored = dict(session.execute(select(EenheidRecord.id, EenheidRecord.corporatie)).all())
            [refused] = audit.search(session, action="inbound.not_owner")
            [kept] = rejections.recent(session)
    finally:
        database.dispose()
    assert stored == {"CORP-C-E0001": "corp-c", "CORP-C-E0002": "corp-c"}
    assert (refused.actor, refused.detail["channel"]) == ("corp-c", "import")
    assert kept.location == "/payload/eenheid/idOrganisatie"
