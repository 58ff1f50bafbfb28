"""`woonbrug validate-config FILE`: check a region file and list every problem with its path and line.

Exit 0 with a short summary when the file is valid (adapters that are not installed are noted, not
failed: a region file may be written before its adapters are deployed); exit 2 with every problem.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import click

from adapters import ENTRY_POINT_GROUP
from gateway.flow.issues import ConfigError
from gateway.flow.parameters import ParameterTable, default_parameter_table, load_parameter_table
from gateway.flow.policy import RegionConfig, load_region


@click.command("validate-config")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--parameters",
    "parameters_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="National parameter table to apply the overrides to (default: the shipped table).",
)
def validate_config(file: Path, parameters_file: Path | None) -> None:
    """Validate a region file (gemeenten, corporaties, portals, policy)."""
    try:
        national = load_parameter_table(parameters_file) if parameters_file else default_parameter_table()
        region = load_region(file)
        table = region.parameter_table(national)
    except ConfigError as error:
        click.echo(f"{error.source}: {len(error.issues)} problem(s)", err=True)
        for issue in error.issues:
            click.echo(f"  {issue}", err=True)
        sys.exit(2)
    for line in _summary(region, table):
        click.echo(line)


def _summary(region: RegionConfig, table: ParameterTable) -> list[str]:
    policy = region.policy
    installed = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    adapters = sorted({c.adapter for c in region.corporaties})
    ranking = ", ".join(f"{model.code}={rule.value}" for model, rule in policy.ranking.items())
    overrides = ", ".join(str(year) for year in sorted(policy.parameter_overrides)) or "none"
    lines = [
        f"OK: region {region.region.id} ({region.region.name})",
        f"  gemeenten: {len(region.gemeenten)} ({', '.join(g.code for g in region.gemeenten)})",
        f"  corporaties: {len(region.corporaties)} (adapters: {', '.join(adapters)})",
        f"  portals: {len(region.portals)}",
        f"  ranking: {ranking}",
        f"  voorrang: {' > '.join(tier.value for tier in policy.voorrang)}",
        f"  parameter years: {table.first_year}-{table.last_year} (region overrides: {overrides})",
    ]
    missing = [name for name in adapters if name not in installed]
    if missing:
        lines.append(f"  note: adapter(s) not installed here: {', '.join(missing)} (entry points {ENTRY_POINT_GROUP})")
    return lines
