"""`woonbrug report`: the year's figures for the region, a gemeente or a corporation, as csv, json or html."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.cli.common import open_flow
from gateway.flow.policy import RegionConfig
from gateway.reports.figures import compute
from gateway.reports.render import to_csv, to_html, to_json


@click.command()
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--gemeente", help="CBS code, e.g. GM0268")
@click.option("--corporatie", help="corporation id as in the region file")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "html"]), default="json", show_default=True)
@click.option("--region", "region_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def report(
    year: int, gemeente: str | None, corporatie: str | None, fmt: str, region_file: Path | None, output: Path | None
) -> None:
    """Lettings, passend/DAEB/binding shares, inschrijfduur, responses, refusals and where housed seekers
    came from — aggregates only."""
    flow = open_flow(region_file=region_file)
    _known_or_refuse(flow.region, gemeente, corporatie)
    names = {g.code: g.naam for g in flow.region.gemeenten} | {c.id: c.name for c in flow.region.corporaties}
    chosen = (("gemeente", gemeente), ("corporatie", corporatie))
    scope = " ".join(f"{label} {code} ({names[code]})" for label, code in chosen if code)
    # Say what was understood before the figures, so a wrong year or code is seen at once.
    click.echo(f"report: year {year}, {scope or f'region {flow.region.region.id}'}, format {fmt}", err=True)
    with flow.db.session() as session:
        result = compute(session, year, gemeente=gemeente, corporatie=corporatie)
    text = {"csv": to_csv, "json": to_json}[fmt](result) if fmt != "html" else to_html(result, names=names)
    flow.db.dispose()
    if output is not None and not output.parent.is_dir():
        raise click.ClickException(f"{output.parent}: no such folder (create it first, or write elsewhere)")
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _known_or_refuse(region: RegionConfig, gemeente: str | None, corporatie: str | None) -> None:
    """An unknown code would give a report of zeros that looks like a real one: refuse it instead."""
    gemeenten = [g.code for g in region.gemeenten]
    corporaties = [c.id for c in region.corporaties]
    if gemeente is not None and gemeente not in gemeenten:
        raise click.ClickException(
            f"--gemeente {gemeente}: not a gemeente of region {region.region.id} (known: {', '.join(gemeenten)})"
        )
    if corporatie is not None and corporatie not in corporaties:
        raise click.ClickException(
            f"--corporatie {corporatie}: not a corporation of region {region.region.id} "
            f"(known: {', '.join(corporaties)})"
        )
