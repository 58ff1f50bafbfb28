"""`woonbrug passend`: the passend-toewijzen test for one household and rent, with the limits it used.

For staff answering "may this household get this home?": the year's figures are chosen by the
allocation date given, never by today's date. Amounts are read as Dutch people write them
(`gateway.core.numbers`: `45.000` is forty-five thousand; `45.5` is refused with its two readings), and
the values understood are echoed on stderr before the answer, so a misread amount is seen at once. The
income appears only there, on the user's own terminal: never on stdout (which may go into a file) and
never in a log.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from gateway.core.numbers import AmountError, format_euros, parse_dutch_amount
from gateway.flow.eligibility import passend_check
from gateway.flow.issues import ConfigError
from gateway.flow.parameters import ParameterTable, ParameterYearMissing, default_parameter_table
from gateway.flow.policy import load_region
from schemas.referentiedata import PassendheidSoort

_CENT = Decimal("0.01")

_MEANING = {
    PassendheidSoort.PAS: "passend: the test applies and the rekenhuur is within the aftoppingsgrens",
    PassendheidSoort.NIE: (
        "would be non-passend: the test applies and the rekenhuur is above the aftoppingsgrens; "
        "only allowed with a recorded exception (BIJ, HER, HHV) the region permits"
    ),
    PassendheidSoort.NVT: "not applicable: the income is above the passend-toewijzen income limit",
}


def _amount(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    """A euro amount written the Dutch way: non-negative, whole cents."""
    try:
        amount = parse_dutch_amount(value)
    except AmountError as error:
        raise click.BadParameter(str(error)) from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("an amount is a non-negative number of euros")
    if amount != amount.quantize(_CENT):
        raise click.BadParameter("an amount has at most two decimals (whole cents)")
    return amount.quantize(_CENT)


def _euros(amount: Decimal) -> str:
    return f"EUR {amount:,.2f}"


@click.command("passend")
@click.option(
    "--date",
    "allocation_date",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Allocation date (YYYY-MM-DD); chooses the year's figures.",
)
@click.option("--persons", required=True, type=click.IntRange(1, 20), help="Household size: adults + children.")
@click.option(
    "--income", required=True, metavar="EUR", callback=_amount, help="Household income (verzamelinkomen) per year."
)
@click.option("--rekenhuur", required=True, metavar="EUR", callback=_amount, help="Rekenhuur of the unit per month.")
@click.option("--aow", is_flag=True, help="The applicant or co-applicant has reached the AOW age.")
@click.option(
    "--region",
    "region_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Apply this region file's parameter overrides.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def passend(
    allocation_date: Any,
    persons: int,
    income: Decimal,
    rekenhuur: Decimal,
    aow: bool,
    region_file: Path | None,
    as_json: bool,
) -> None:
    """Passend toewijzen: PAS, NIE (would be non-passend) or NVT, and the limits used."""
    day = allocation_date.date()
    click.echo(
        f"read as: date {day.isoformat()}, {persons} person(s){', AOW age' if aow else ''}, "
        f"income {format_euros(income)} per year, rekenhuur {format_euros(rekenhuur)} per month",
        err=True,
    )
    table: ParameterTable = default_parameter_table()
    if region_file is not None:
        try:
            table = load_region(region_file).parameter_table(table)
        except ConfigError as error:
            raise click.UsageError(str(error)) from None
    try:
        result = passend_check(day, persons, income, rekenhuur, aow, table=table)
    except ParameterYearMissing as error:
        raise click.UsageError(str(error)) from None
    soort = result.passendheidsoort
    if as_json:
        click.echo(
            json.dumps(
                {
                    "passendheidsoort": soort.code,
                    "income_limit": float(result.income_limit),
                    "rent_limit": float(result.rent_limit),
                    "year": result.year,
                }
            )
        )
        return
    household = "single-person" if persons == 1 else f"{persons}-person"
    age = "at AOW age" if aow else "below AOW age"
    size = "3 or more persons" if persons >= 3 else "1-2 persons"
    income_label = "income limit (passend toewijzen):"
    rent_label = f"rent limit (aftoppingsgrens, {size}):"
    width = max(len(income_label), len(rent_label))
    click.echo(f"PASSENDHEIDSSOORT: {soort.code} ({soort.naam})")
    click.echo(f"  {_MEANING[soort]}")
    click.echo(f"year {result.year} (allocation date {day.isoformat()}), {household} household {age}")
    click.echo(f"  {income_label:<{width}} {_euros(result.income_limit)} per year")
    click.echo(f"  {rent_label:<{width}} {_euros(result.rent_limit)} per month")
