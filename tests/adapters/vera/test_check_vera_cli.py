"""`woonbrug check-vera FILE...` and `woonbrug translate vera --resource`: a vendor checks its VERA
documents; every problem per document, located by JSON pointer, a summary, `--json`, exit 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gateway.cli import main


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


UNIT = {
    "id": "E-77",
    "idOrganisatie": "corp-a",
    "soort": {"code": "WOO"},
    "adres": {
        "straatnaam": "Molenstraat",
        "huisnummer": "12",
        "postcode": "6511AB",
        "woonplaats": {"naam": "Nijmegen"},
        "gemeente": {"code": "GM0268", "naam": "Nijmegen"},
    },
    "kamersAantal": 3,
    "rekenhuur": 560.5500000000001,  # float noise of a whole cent: taken as 560.55
    "prijscomponenten": [{"soort": {"code": "NET"}, "bedrag": 600.0}, {"soort": {"code": "HUA"}, "bedrag": -39.45}],
    "maatschappelijkLabel": {"code": "DAE"},
    "bouwjaar": 1962,
}


def test_check_vera_reports_every_problem_per_document_and_a_summary(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", UNIT)
    bad = _write(
        tmp_path / "bad.json",
        {
            **UNIT,
            "kamersAantal": "3",
            "rekenhuur": 560.555,
            "energieprestaties": [{"label": {"code": "A++++"}, "begindatum": "2019-02-25T00:00:00"}],
        },
    )
    result = CliRunner().invoke(main, ["check-vera", str(good), str(bad)])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"{good}: decodes" in out
    assert f"{bad}: refused (4 problem(s))" in out
    for pointer in ("/kamersAantal", "/rekenhuur", "/energieprestaties/0/label", "/energieprestaties/0/begindatum"):
        assert f"  {pointer}: " in out
    assert "'A++++' is the naam of code AP4" in out
    assert out.rstrip().endswith("2 document(s): 1 decode, 1 refused (4 problem(s))")


def test_check_vera_json_and_exit_zero_when_all_decode(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", UNIT)
    bare = _write(tmp_path / "bare.json", {"id": "E-8", "bouwjaar": 1924})
    result = CliRunner().invoke(main, ["check-vera", "--json", str(good), str(bare)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"] == {"documents": 2, "decode": 2, "refused": 0, "problems": 0}
    [record] = report["documents"][1]["records"]
    assert record["type"] == "eenheid.vrijgekomen"
    assert any("beschikbaarPer" in notice for notice in record["notices"])
    needs = {need["pointer"] for need in record["publicationNeeds"]}
    assert {"/adres", "/rekenhuur", "/maatschappelijkLabel"} <= needs


def test_check_vera_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["check-vera"]).exit_code == 2
    assert runner.invoke(main, ["check-vera", str(tmp_path / "missing.json")]).exit_code == 2
    good = _write(tmp_path / "good.json", UNIT)
    result = runner.invoke(main, ["check-vera", "--resource", "woningen", str(good)])
    assert result.exit_code == 2
    assert "unknown VERA resource" in result.output
    assert "Traceback" not in result.output


def test_a_malformed_document_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "id": "E-1",\n  "kamersAantal": 3,,\n}', encoding="utf-8")
    result = CliRunner().invoke(main, ["check-vera", str(broken)])
    assert result.exit_code == 1
    assert "line 3" in result.stdout


def test_translate_takes_the_resource_of_a_shapeless_document(tmp_path: Path) -> None:
    shapeless = _write(tmp_path / "unit.json", {"id": "E-9"})
    runner = CliRunner()
    refused = runner.invoke(main, ["translate", "vera", "--decode", str(shapeless)])
    assert refused.exit_code == 2
    assert "--resource eenheden" in refused.stderr
    decoded = runner.invoke(main, ["translate", "vera", "--decode", str(shapeless), "--resource", "eenheden"])
    assert decoded.exit_code == 0, decoded.output
    [message] = json.loads(decoded.stdout)
    assert message["type"] == "eenheid.vrijgekomen"
    assert message["payload"]["eenheid"]["id"] == "E-9"
    assert runner.invoke(main, ["translate", "csv", "--decode", str(shapeless), "--resource", "x"]).exit_code == 2
