"""The `woonbrug` command line. Each command group lives in its own module and is imported lazily,
so `woonbrug --help` stays fast and one broken optional part cannot take the others down.

What every command shares is decided here once: `-h` beside `--help`, `--config FILE` (the settings file,
`gateway.core.settings`), `--debug`, and the failure handling of `gateway.cli.errors` (one line, exit 2,
no traceback).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

import click

from gateway.cli.errors import run_guarded

# `-h` beside `--help` on every command and group: click passes context settings down to subcommands.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}

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
    "status": "gateway.cli.status_cmd:status",
    "translate": "gateway.cli.adapters_cmd:translate",
    "validate-config": "gateway.cli.config_cmd:validate_config",
    "verify-lottery": "gateway.cli.lottery_cmd:verify_lottery",
    "worker": "gateway.cli.worker_cmd:worker",
}


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        return run_guarded(lambda: super(LazyGroup, self).invoke(ctx))

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


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="woonbrug")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="WOONBRUG_CONFIG",
    help="Settings file (TOML; default: ./woonbrug.toml when present). Environment variables win over it.",
)
@click.option("--debug", is_flag=True, help="Log at debug level on stderr, with the traceback of an internal error.")
def main(config_file: Path | None, debug: bool) -> None:
    """Woonbrug: the neutral gateway for regional social-housing allocation (woonruimteverdeling)."""
    from gateway.core.settings import use_config_file

    use_config_file(config_file)  # every invocation decides afresh (tests run many in one process)
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("woonbrug").setLevel(logging.DEBUG)
