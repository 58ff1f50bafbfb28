"""The `woonbrug` command line. Each command group lives in its own module and is imported lazily,
so `woonbrug --help` stays fast and one broken optional part cannot take the others down."""

from __future__ import annotations

import importlib
from typing import Any

import click

# Command name -> "module:attribute" of a click command. Add a line here to add a command.
COMMANDS: dict[str, str] = {
    "adapter": "gateway.cli.scaffold_cmd:adapter",
    "adapters": "gateway.cli.adapters_cmd:adapters",
    "breakers": "gateway.cli.dlq_cmd:breakers",
    "check-vera": "gateway.cli.check_vera_cmd:check_vera",
    "contract-test": "gateway.cli.contract_cmd:contract_test",
    "db": "gateway.cli.db_cmd:db",
    "demo": "gateway.cli.demo_cmd:demo",
    "dlq": "gateway.cli.dlq_cmd:dlq",
    "import": "gateway.cli.import_cmd:import_file",
    "inbound": "gateway.cli.inbound_cmd:inbound",
    "keys": "gateway.cli.keys_cmd:keys",
    "passend": "gateway.cli.passend_cmd:passend",
    "report": "gateway.cli.report_cmd:report",
    "schemas": "gateway.cli.schemas_cmd:schemas",
    "serve": "gateway.cli.serve_cmd:serve",
    "translate": "gateway.cli.adapters_cmd:translate",
    "validate-config": "gateway.cli.config_cmd:validate_config",
    "verify-lottery": "gateway.cli.lottery_cmd:verify_lottery",
    "worker": "gateway.cli.worker_cmd:worker",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command: Any = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup)
@click.version_option(package_name="woonbrug")
def main() -> None:
    """Woonbrug: the neutral gateway for regional social-housing allocation (woonruimteverdeling)."""
