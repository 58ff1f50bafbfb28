"""`woonbrug schemas`: write or check the committed JSON Schemas of the canonical model."""

from __future__ import annotations

import sys

import click

from schemas import jsonschema


@click.group()
def schemas() -> None:
    """The canonical model's JSON Schemas (schemas/v1/)."""


@schemas.command("generate")
def generate() -> None:
    """Rewrite schemas/v1/ from the model code."""
    for path in jsonschema.write():
        click.echo(str(path))


@schemas.command("check")
def check() -> None:
    """Exit 1 when the committed schemas differ from the model code."""
    directory = jsonschema.schema_dir()
    stale = [
        name
        for name, schema in jsonschema.generate().items()
        if not (directory / name).is_file()
        or (directory / name).read_text(encoding="utf-8") != jsonschema.render(schema)
    ]
    for name in stale:
        click.echo(f"out of date: {name}", err=True)
    sys.exit(1 if stale else 0)
