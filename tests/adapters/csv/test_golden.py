"""Golden files both ways: hand-written corporation exports -> canonical JSON lines, and messages -> CSV.

A failure here means a translation changed. If the change was meant, regenerate with
`python -m tests.adapters.csv.regenerate_golden` and review the diff.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs published; used in tests only
import pytest

from schemas import parse_message
from tests.adapters.csv.cases import (
    EXPORTS,
    GOLDEN,
    IMPORTS,
    OCCURRED_AT,
    adapter,
    canonical_lines,
    decode_case,
    error_lines,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("name", IMPORTS)
def test_import_matches_golden(name: str) -> None:
    messages, errors = decode_case(name)
    assert canonical_lines(messages) == (GOLDEN / f"{name}.canonical.jsonl").read_text(encoding="utf-8")
    assert error_lines(errors) == (GOLDEN / f"{name}.errors.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", IMPORTS)
def test_golden_messages_parse_back_and_match_their_json_schema(name: str) -> None:
    """The golden lines are real canonical messages: they parse and validate against the committed schema."""
    lines = (GOLDEN / f"{name}.canonical.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        message = parse_message(line)
        schema = json.loads((REPO / "schemas" / "v1" / f"message.{message.type}.schema.json").read_text())
        jsonschema.validate(json.loads(line), schema)


@pytest.mark.parametrize("name", IMPORTS)
def test_rejects_file_matches_golden(name: str, tmp_path: Path) -> None:
    copy = tmp_path / f"{name}.csv"
    shutil.copyfile(GOLDEN / f"{name}.csv", copy)
    summary = adapter(name).import_file(copy, rejects_folder=tmp_path / "rejects", occurred_at=OCCURRED_AT)
    assert summary.rejects_file == tmp_path / "rejects" / f"{name}.csv.rejects.csv"
    assert summary.rejects_file.read_bytes() == (GOLDEN / f"{name}.rejects.csv").read_bytes()


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_matches_golden(name: str) -> None:
    body = adapter(None).encode_many(EXPORTS[name]()).body
    assert body == (GOLDEN / f"{name}.csv").read_bytes()


def test_golden_inschrijvingen_keeps_good_rows_around_bad_ones() -> None:
    """Rows 3-7 each carry one mistake; rows 1, 2 and 8 come through in order."""
    messages, errors = decode_case("inschrijvingen")
    assert [m.payload.id for m in messages] == ["I-0001", "I-0002", "I-0008"]
    assert [e.location.row for e in errors] == [3, 4, 5, 6, 7]
