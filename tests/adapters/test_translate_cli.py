"""`woonbrug translate` on a large file: JSON lines on stdout, a progress line on stderr, and bad rows
reported by row and column with exit status 2 while every good row still comes out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from adapters.csv.simulator import write_registrations
from gateway.cli import main
from gateway.cli.adapters_cmd import STREAM_THRESHOLD_BYTES


def test_a_large_file_streams_as_json_lines_with_progress(tmp_path: Path) -> None:
    source = tmp_path / "inschrijvingen.csv"
    write_registrations(source, 8_000, bad_every=1_000)
    assert source.stat().st_size > STREAM_THRESHOLD_BYTES
    config = tmp_path / "csv.yaml"
    config.write_text("tenant: corp-a\nmapping: inschrijvingen\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["translate", "csv", "--decode", str(source), "--config", str(config)])

    lines = result.stdout.splitlines()
    assert result.exit_code == 2  # some rows were bad
    assert len(lines) == 8_000 - 8  # every good row, one JSON object per line
    assert all(json.loads(line)["type"] == "inschrijving.geregistreerd" for line in lines[:50])
    assert "100.0%" in result.stderr  # the progress line
    bad = [line for line in result.stderr.splitlines() if "] row " in line]
    assert len(bad) == 8
    assert all(line.startswith(str(source)) and ", column " in line for line in bad)
