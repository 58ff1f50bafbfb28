"""`woonbrug adapter new`: start a vendor's adapter package that installs on its own and passes the kit."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["adapter"]

KIND_CHOICES = ("rest", "soap", "csv")


@click.group()
def adapter() -> None:
    """Write a new adapter."""


@adapter.command("new")
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    required=True,
    help="rest: JSON over HTTP; soap: SOAP 1.1 with an XSD; csv: files in a drop folder.",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where the package folder woonbrug-NAME is created.",
)
def new(name: str, kind: str, directory: Path) -> None:
    """Generate the package woonbrug-NAME: adapter, simulator, fixtures and a one-line contract test."""
    from contract_tests.scaffold import ScaffoldError, new_adapter

    try:
        root = new_adapter(name, kind, directory)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"created {root}")
    click.echo(f"next: cd {root} && pip install -e . && pytest")
