"""A NUL-laden CSV import on PostgreSQL keeps every good row, writes its rejects, and shows no traceback.

Before: PostgreSQL refused the NUL, `woonbrug import` died with a traceback that showed the seeker's name
and lost the whole batch (699 good rows of 1,200), writing no rejects file. The model now refuses the
text at the boundary, so each bad row is one located reject and never reaches the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from gateway.cli import main
from gateway.flow.records import InschrijvingRecord
from tests.hostile.inputs import csv_file, registration
from tests.store.databases import TestDatabase, postgres_database

ROWS = 120
SPOILED = range(2, ROWS + 1, 3)  # every third row has a NUL in a name or the e-mail address


@pytest.fixture
def database(postgres_url: str) -> Iterator[TestDatabase]:
    with postgres_database(postgres_url) as db:
        yield db


@pytest.mark.postgres
def test_a_nul_laden_import_on_postgresql_keeps_every_good_row(
    database: TestDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    columns = ["Voornaam", "Achternaam", "E-mail"]
    rows = [
        registration(n, **({columns[n % 3]: f"Zwanen\x00burg{n}"} if n in SPOILED else {})) for n in range(1, ROWS + 1)
    ]
    source = tmp_path / "inschrijvingen.csv"
    source.write_bytes(csv_file(rows))
    config = tmp_path / "csv.yaml"
    config.write_text("tenant: corp-a\nmapping: inschrijvingen\n", encoding="utf-8")
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", database.url_text)

    result = CliRunner().invoke(main, ["import", str(source), "--adapter", "csv", "--config", str(config), "--json"])

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Zwanen" not in result.output
    assert result.exit_code == 2  # some rows were rejected
    summary = json.loads(result.stdout)
    assert summary["rejected"] == len(SPOILED)
    assert summary["new"] == ROWS - len(SPOILED)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(InschrijvingRecord)) == ROWS - len(SPOILED)
    rejects = Path(str(summary["rejects_file"])).read_text(encoding="utf-8-sig")
    assert rejects.count("U+0000") == len(SPOILED)
