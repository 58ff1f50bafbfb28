"""Amounts as Dutch people write them (gateway.core.numbers), and `passend` reading them that way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from gateway.cli import main
from gateway.core.numbers import AmountError, format_euros, parse_dutch_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("45.000", Decimal("45000")),
        ("45000", Decimal("45000")),
        ("45.000,50", Decimal("45000.50")),
        ("€ 1.234,56", Decimal("1234.56")),
        ("€1.234,56", Decimal("1234.56")),
        ("EUR 12,50", Decimal("12.50")),
        ("1.234.567", Decimal("1234567")),
        ("0,5", Decimal("0.5")),
        ("38500.00", Decimal("38500.00")),  # the dot cannot group thousands here: a decimal point
        ("45.000 euro", Decimal("45000")),
    ],
)
def test_dutch_amounts_are_read_as_written(text: str, amount: Decimal) -> None:
    assert parse_dutch_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("45.5", (Decimal("45.5"), Decimal("455"))),
        ("682.96", (Decimal("682.96"), Decimal("68296"))),
    ],
)
def test_ambiguous_amounts_are_refused_with_both_readings(text: str, readings: tuple[Decimal, ...]) -> None:
    with pytest.raises(AmountError) as caught:
        parse_dutch_amount(text)
    assert caught.value.readings == readings
    assert "ambiguous" in str(caught.value)
    assert "45,5" in str(caught.value) or "682,96" in str(caught.value)


@pytest.mark.parametrize("text", ["", "abc", "1,234.56", "12..5"])
def test_what_is_no_amount_is_refused(text: str) -> None:
    with pytest.raises(AmountError):
        parse_dutch_amount(text)


def test_amounts_are_echoed_the_dutch_way() -> None:
    assert format_euros(Decimal("45000")) == "€ 45.000,00"
    assert format_euros(Decimal("1234.5")) == "€ 1.234,50"


def _passend(income: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["passend", "--date", "2025-03-01", "--persons", "2", "--income", income, "--rekenhuur", "700,00"]
    )
    return result.exit_code, result.stdout, result.stderr


def test_passend_reads_45_000_as_forty_five_thousand_and_says_so() -> None:
    code, out, err = _passend("45.000")
    assert code == 0
    assert "read as: date 2025-03-01, 2 person(s), income € 45.000,00 per year, rekenhuur € 700,00 per month" in err
    # Above the passend income limit of 2025, so the test does not apply: NVT (with €45 it would be NIE).
    assert out.startswith("PASSENDHEIDSSOORT: NVT")
    assert "45.000" not in out  # the income stays off stdout


def test_passend_refuses_an_ambiguous_income_with_exit_2() -> None:
    code, out, err = _passend("45.5")
    assert code == 2
    assert out == ""
    assert "'45.5' is ambiguous: 45.5 (with a decimal point) or 455" in err
