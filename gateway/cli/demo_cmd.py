"""`woonbrug demo`: run the demo region end to end once and print what happened."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from gateway.cli.progress import Steps
from gateway.demo.run import DemoOptions, run_demo


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder for the demo's SQLite database and drop folders (default: the settings' data_dir, "
    "./woonbrug-data, which every other command reads); its demo database is replaced on every run.",
)
@click.option("--seekers", default=DemoOptions.seekers, show_default=True)
@click.option("--listings", default=DemoOptions.listings_per_corporatie, show_default=True, help="Per corporation.")
@click.option("--seed", default=DemoOptions.seed, show_default=True)
def demo(as_json: bool, workdir: Path | None, seekers: int, listings: int, seed: int) -> None:
    """Run the demo region (three corporations on the VERA, SOAP and CSV adapters and their simulated
    systems) end to end on a fresh SQLite database, in simulated time."""
    from gateway.cli.common import prepare_demo_folder
    from gateway.core.settings import get_settings

    workdir = workdir or get_settings().data_path
    prepare_demo_folder(workdir)  # refuses while a server serves the folder, or when it holds real data
    options = DemoOptions(seekers=seekers, listings_per_corporatie=listings, seed=seed)
    steps = Steps(f"demo region into {workdir} ...")
    try:
        result = asyncio.run(run_demo(workdir, options, progress=steps.say))
    finally:
        steps.close()
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    click.echo(f"Demo region on {workdir / 'woonbrug.sqlite'}")
    for key, value in result.items():
        click.echo(f"  {key:<28} {value}")
