"""`woonbrug passend` and `woonbrug validate-config`, run through the real command group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import COMMANDS, main
from tests.conftest import REPO
from tests.flow.builders import DEMO_REGION_FILE
from tests.flow.test_policy import BROKEN, EXPECTED_BROKEN


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_commands_are_registered_lazily() -> None:
    assert COMMANDS["passend"] == "gateway.cli.passend_cmd:passend"
    assert COMMANDS["validate-config"] == "gateway.cli.config_cmd:validate_config"
    code, out, _ = _run("--help")
    assert code == 0
    assert "passend" in out
    assert "validate-config" in out


def _passend(*extra: str, date: str = "2025-03-01", persons: str = "2", income: str, rent: str) -> tuple[int, str, str]:
    return _run("passend", "--date", date, "--persons", persons, "--income", income, "--rekenhuur", rent, *extra)


@pytest.mark.parametrize(
    ("income", "rent", "aow", "expected"),
    [
        ("38500.00", "682,96", False, {"passendheidsoort": "PAS", "income_limit": 38500.0, "rent_limit": 682.96}),
        ("38500.00", "682,97", False, {"passendheidsoort": "NIE", "income_limit": 38500.0, "rent_limit": 682.96}),
        ("38500.01", "682,97", False, {"passendheidsoort": "NVT", "income_limit": 38500.0, "rent_limit": 682.96}),
        ("37350.00", "900,00", True, {"passendheidsoort": "NIE", "income_limit": 37350.0, "rent_limit": 682.96}),
        ("37351.00", "900,00", True, {"passendheidsoort": "NVT", "income_limit": 37350.0, "rent_limit": 682.96}),
    ],
)
def test_passend_json_is_exactly_the_four_fields(
    income: str, rent: str, aow: bool, expected: dict[str, object]
) -> None:
    code, out, _ = _passend("--json", *(["--aow"] if aow else []), income=income, rent=rent)
    assert code == 0
    assert json.loads(out) == {**expected, "year": 2025}
    assert list(json.loads(out)) == ["passendheidsoort", "income_limit", "rent_limit", "year"]


def test_passend_json_amounts_are_numbers() -> None:
    _, out, _ = _passend("--json", persons="3", income="100", rent="100", date="2026-12-31")
    data = json.loads(out)
    assert isinstance(data["income_limit"], float)
    assert data == {"passendheidsoort": "PAS", "income_limit": 39925.0, "rent_limit": 764.14, "year": 2026}


def test_passend_text_names_the_outcome_and_the_limits_but_not_the_income() -> None:
    code, out, _ = _passend(income="31234.56", rent="697,08", persons="3", date="2024-05-01")
    assert code == 0
    assert out.startswith("PASSENDHEIDSSOORT: NIE (Niet passend)\n")
    assert "would be non-passend" in out
    assert "year 2024 (allocation date 2024-05-01)" in out
    assert "EUR 37,625.00 per year" in out
    assert "aftoppingsgrens, 3 or more persons" in out
    assert "EUR 697.07 per month" in out
    assert "31" + ",234" not in out
    assert "31234" not in out


def test_passend_uses_the_year_of_the_date_given() -> None:
    _, out_2024, _ = _passend("--json", income="1", rent="1", date="2024-12-31")
    _, out_2025, _ = _passend("--json", income="1", rent="1", date="2025-01-01")
    assert json.loads(out_2024)["rent_limit"] == 650.43
    assert json.loads(out_2025)["rent_limit"] == 682.96


def test_passend_outside_the_table_exits_2_with_a_clear_error() -> None:
    code, _, err = _passend("--json", income="1", rent="1", date="2023-06-01")
    assert code == 2
    assert "no allocation parameters for 2023; the table covers 2024, 2025, 2026" in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--income", "12,345", "whole cents"),
        ("--income", "45.5", "ambiguous: 45.5 (with a decimal point) or 455"),
        ("--income", "-5", "non-negative"),
        ("--rekenhuur", "abc", "not an amount"),
        ("--persons", "0", "not in the range"),
        ("--date", "01-03-2025", "does not match the format"),
    ],
)
def test_passend_rejects_bad_input_with_exit_2(option: str, value: str, message: str) -> None:
    args = {"--date": "2025-03-01", "--persons": "1", "--income": "100", "--rekenhuur": "100", option: value}
    code, _, err = _run("passend", *[part for pair in args.items() for part in pair])
    assert code == 2
    assert message in err


def test_passend_applies_a_regions_overrides(tmp_path: Path) -> None:
    text = (REPO / DEMO_REGION_FILE).read_text(encoding="utf-8")
    path = tmp_path / "region.yaml"
    path.write_text(
        text.replace("parameter_overrides: {}", "parameter_overrides: {2025: {aftoppingsgrens_low: '690.00'}}"),
        encoding="utf-8",
    )
    _, out, _ = _passend("--json", "--region", str(path), income="100", rent="685,00")
    assert json.loads(out)["passendheidsoort"] == "PAS"
    assert json.loads(out)["rent_limit"] == 690.0


def test_validate_config_accepts_the_demo_region() -> None:
    code, out, _ = _run("validate-config", str(REPO / DEMO_REGION_FILE))
    assert code == 0
    assert out.startswith("OK: region rijnwaal-demo")
    assert "corporaties: 3 (adapters: csv, soap_erp, vera)" in out
    assert "gemeenten: 3 (GM0202, GM0268, GM0274)" in out
    assert "parameter years: 2024-2026" in out


def test_validate_config_reports_every_error_with_its_path_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, err = _run("validate-config", str(path))
    assert code == 2
    assert out == ""
    assert f"{len(EXPECTED_BROKEN)} problem(s)" in err
    for where, (line, _) in EXPECTED_BROKEN.items():
        assert f"  {where} (line {line}," in err, where


def test_validate_config_reports_yaml_syntax_errors(tmp_path: Path) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text("region: {id: x\n", encoding="utf-8")
    code, _, err = _run("validate-config", str(path))
    assert code == 2
    assert "YAML syntax error" in err
    assert "(line " in err


def test_validate_config_reports_a_missing_file(tmp_path: Path) -> None:
    code, _, err = _run("validate-config", str(tmp_path / "absent.yaml"))
    assert code == 2
    assert "cannot read the file" in err


def test_validate_config_checks_override_years_against_the_table(tmp_path: Path) -> None:
    text = (REPO / DEMO_REGION_FILE).read_text(encoding="utf-8")
    path = tmp_path / "region.yaml"
    path.write_text(
        text.replace("parameter_overrides: {}", "parameter_overrides: {2031: {aftoppingsgrens_low: '690.00'}}"),
        encoding="utf-8",
    )
    code, _, err = _run("validate-config", str(path))
    assert code == 2
    assert "policy.parameter_overrides[2031].liberalisatiegrens: Field required" in err
