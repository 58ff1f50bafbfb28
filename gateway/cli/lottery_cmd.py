"""`woonbrug verify-lottery`: recompute every lot number of the store's draws (or of draw records in files)
from what was published, and fail on any change.

The check is `gateway.flow.lottery.verify_trekking`; `docs/verify_lottery.py` is the same check written
out for outsiders, standard library only. Exit status: 0 every draw checks out, 1 a problem was found
(each one printed), 2 the input could not be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from gateway.cli.common import open_database
from gateway.core.settings import get_settings
from gateway.flow.lottery import verify_trekking
from gateway.flow.records import PublicatieRecord
from gateway.flow.trekkingen import drawn_publicaties, published_trekking

__all__ = ["verify_lottery"]


def _from_files(paths: tuple[Path, ...]) -> list[dict[str, Any]]:
    draws: list[dict[str, Any]] = []
    for path in paths:
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            click.echo(f"{path}: cannot read a draw record: {error}", err=True)
            sys.exit(2)
        items = loaded if isinstance(loaded, list) else [loaded]
        if not all(isinstance(item, dict) for item in items):
            click.echo(f"{path}: a draw record is a JSON object (or a list of them)", err=True)
            sys.exit(2)
        draws += items
    return draws


def _from_store(database_url: str | None, publicatie: str | None) -> list[dict[str, Any]]:
    database = open_database(get_settings(database_url=database_url).database_url)
    try:
        with database.session() as session:
            if publicatie is not None:
                record = session.get(PublicatieRecord, publicatie)
                if record is None:
                    click.echo(f"no publicatie {publicatie} in the store", err=True)
                    sys.exit(2)
                records = [record]
            else:
                records = drawn_publicaties(session)
            return [draw for record in records if (draw := published_trekking(session, record)) is not None]
    finally:
        database.dispose()


@click.command("verify-lottery")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--database-url", help="The store to read (default: WOONBRUG_DATABASE_URL or the embedded one).")
@click.option("--publicatie", help="Only this listing.")
@click.option("--export", type=click.Path(dir_okay=False, path_type=Path), help="Also write the draw records here.")
def verify_lottery(
    files: tuple[Path, ...], database_url: str | None, publicatie: str | None, export: Path | None
) -> None:
    """Recompute every lot number from each draw's published record: its commitment, revealed secret and
    closed response list. Reads FILES (draw records as the API gives them) or else the store."""
    draws = _from_files(files) if files else _from_store(database_url, publicatie)
    if export is not None:
        export.write_text(json.dumps(draws, indent=2, sort_keys=True), encoding="utf-8")
    failed = checked = 0
    for draw in draws:
        if draw.get("lotingzaad") is None and not files:
            continue  # not drawn yet: nothing to recompute
        checked += 1
        problems = verify_trekking(draw)
        name = f"publicatie {draw.get('publicatie')}"
        if problems:
            failed += 1
            for problem in problems:
                click.echo(f"{name}: {problem}")
        else:
            click.echo(f"{name}: ok ({len(draw.get('kandidaten', []))} lot numbers recomputed)")
    click.echo(f"{checked - failed} of {checked} draws check out", err=True)
    if failed:
        sys.exit(1)
