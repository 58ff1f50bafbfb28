"""`woonbrug contract-test`: run the contract kit against an installed adapter, as a vendor's CI does.

No live vendor system is needed: the kit uses the adapter's own simulator, golden samples and hooks
(shipped in its package's `contract` module) and injected faults. The exit codes are
`contract_tests.runner.EXIT_CODES`, shown in `--help` from that one table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contract_tests.runner import EXIT_CODES

__all__ = ["contract_test"]


def _opt_outs(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, separator, reason = value.partition("=")
        if not separator or not name.strip() or not reason.strip():
            raise click.BadParameter(
                f"{value!r}: give NAME=REASON, e.g. idempotency='no test system yet'", param_hint="--opt-out"
            )
        out[name.strip()] = reason.strip()
    return out


_EPILOG = "Exit codes:\n\n\b\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())


@click.command("contract-test", context_settings={"ignore_unknown_options": True}, epilog=_EPILOG)
@click.argument("adapter")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Adapter settings (YAML or JSON).",
)
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Golden pairs: <name>.vendor.<ext> with <name>.canonical.json.",
)
@click.option("--junitxml", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report here.")
@click.option(
    "--vera-spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="VERA WRV OpenAPI file, for VERA conformance.",
)
@click.option(
    "--vera-referentiedata",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="VERA's code lists (Referentiedata.csv), for the code checks (default: beside --vera-spec).",
)
@click.option(
    "--opt-out",
    "opt_outs",
    multiple=True,
    metavar="NAME=REASON",
    help="Skip a suite or test, with the reason (repeatable; see the adapter authors' guide).",
)
@click.option("--max-examples", type=click.IntRange(1, 10_000), help="Hypothesis examples per property (default 20).")
@click.option(
    "--golden-ignore",
    "golden_ignore",
    multiple=True,
    metavar="PATH",
    help="A canonical path the golden comparison skips, e.g. occurredAt (repeatable; replaces the adapter's own).",
)
@click.option("--vendor-suffix", metavar="SUFFIX", help="How vendor samples are named after <name> (e.g. .vera.json).")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def contract_test(
    adapter: str,
    config_path: Path | None,
    fixtures_dir: Path | None,
    junitxml: Path | None,
    vera_spec: Path | None,
    vera_referentiedata: Path | None,
    opt_outs: tuple[str, ...],
    max_examples: int | None,
    golden_ignore: tuple[str, ...],
    vendor_suffix: str | None,
    pytest_args: tuple[str, ...],
) -> None:
    """Run Woonbrug's contract kit against the installed ADAPTER; extra arguments go to pytest (e.g. -x, -k).

    The adapter's own shipped hooks, config and golden samples are used; each option here overrides one.
    """
    from contract_tests.kit import load_adapter
    from contract_tests.optouts import OptOutError, check_opt_outs
    from contract_tests.runner import run

    try:
        load_adapter(adapter)
        checked = check_opt_outs(_opt_outs(opt_outs))
    except (LookupError, TypeError, OptOutError) as error:
        raise click.UsageError(str(error)) from error
    sys.exit(
        run(
            adapter,
            config=config_path,
            fixtures=fixtures_dir,
            junitxml=junitxml,
            vera_spec=vera_spec,
            opt_outs=checked,
            max_examples=max_examples,
            golden_ignore=golden_ignore or None,
            vendor_suffix=vendor_suffix,
            pytest_args=(("--vera-referentiedata", str(vera_referentiedata.resolve())) if vera_referentiedata else ())
            + pytest_args,
        )
    )
