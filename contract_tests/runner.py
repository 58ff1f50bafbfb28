"""Running the contract kit against an installed adapter from the command line (`woonbrug contract-test`).

It writes the same one-line test file a vendor keeps in their repository into a temporary folder and
runs pytest on it in a fresh Python process, so the result is exactly what the vendor's CI sees (and no
module the command itself imported can trip pytest's assertion rewriting). Its exit code is one of
`EXIT_CODES`, the one table the guide and `--help` both show.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "EXIT_CODES",
    "EXIT_CONTRACT_BROKEN",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "contract_test_source",
    "run",
]

EXIT_OK = 0
EXIT_CONTRACT_BROKEN = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "the adapter keeps the contract",
    EXIT_CONTRACT_BROKEN: "the contract is broken: kit tests failed",
    EXIT_USAGE: "nothing was judged: unknown adapter or opt-out, bad option, config or fixtures, or no tests selected",
    EXIT_INTERNAL: "the kit itself crashed or the run was interrupted",
}
"""`woonbrug contract-test`'s exit codes and what each means."""

# pytest's exit codes (pytest.ExitCode) mapped onto the kit's: a collection error (pytest's "interrupted")
# is a setup the kit could not use, as is pytest's own usage error and a selection with no tests.
_FROM_PYTEST = {0: EXIT_OK, 1: EXIT_CONTRACT_BROKEN, 2: EXIT_USAGE, 3: EXIT_INTERNAL, 4: EXIT_USAGE, 5: EXIT_USAGE}


def contract_test_source(
    adapter: str,
    *,
    config: Path | None = None,
    fixtures: Path | None = None,
    vera_spec: Path | None = None,
    opt_outs: Mapping[str, str] | None = None,
    max_examples: int | None = None,
    golden_ignore: Sequence[str] | None = None,
    vendor_suffix: str | None = None,
) -> str:
    """The one-line contract test for `adapter`, with every path absolute."""
    arguments = [repr(adapter)]
    if config is not None:
        arguments.append(f"config={str(config.resolve())!r}")
    if fixtures is not None:
        arguments.append(f"fixtures_dir={str(fixtures.resolve())!r}")
    if vera_spec is not None:
        arguments.append(f"vera_spec={str(vera_spec.resolve())!r}")
    if opt_outs:
        arguments.append(f"opt_outs={dict(opt_outs)!r}")
    if max_examples is not None:
        arguments.append(f"max_examples={max_examples!r}")
    if golden_ignore:
        arguments.append(f"golden_ignore={list(golden_ignore)!r}")
    if vendor_suffix is not None:
        arguments.append(f"vendor_suffix={vendor_suffix!r}")
    class_name = "TestContract" + "".join(part.capitalize() for part in adapter.split("_"))
    return (
        "from contract_tests import contract_test_class\n\n"
        f"{class_name} = contract_test_class({', '.join(arguments)})\n"
    )


def run(
    adapter: str,
    *,
    config: Path | None = None,
    fixtures: Path | None = None,
    junitxml: Path | None = None,
    vera_spec: Path | None = None,
    opt_outs: Mapping[str, str] | None = None,
    max_examples: int | None = None,
    golden_ignore: Sequence[str] | None = None,
    vendor_suffix: str | None = None,
    pytest_args: Sequence[str] = (),
) -> int:
    """Run the kit against the installed adapter `adapter`; returns one of `EXIT_CODES`."""
    source = contract_test_source(
        adapter,
        config=config,
        fixtures=fixtures,
        vera_spec=vera_spec,
        opt_outs=opt_outs,
        max_examples=max_examples,
        golden_ignore=golden_ignore,
        vendor_suffix=vendor_suffix,
    )
    with tempfile.TemporaryDirectory(prefix="woonbrug-contract-") as folder:
        root = Path(folder)
        test_file = root / f"test_contract_{adapter}.py"
        test_file.write_text(source, encoding="utf-8")
        # An ini file of our own: the caller's pytest configuration (addopts, plugins) stays out of it.
        ini = root / "pytest.ini"
        lines = ["[pytest]"]
        if importlib.util.find_spec("pytest_asyncio") is not None:
            lines.append("asyncio_default_fixture_loop_scope = function")
        ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = [str(test_file), "-c", str(ini), "--rootdir", str(root), "-p", "no:cacheprovider", "-rfEs"]
        if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
            args += ["-p", "contract_tests.plugin"]  # the pytest11 entry point is not loaded then
        if junitxml is not None:
            args += ["--junitxml", str(junitxml.resolve())]
        args += list(pytest_args)
        env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
        completed = subprocess.run([sys.executable, "-m", "pytest", *args], env=env, check=False)
        return _FROM_PYTEST.get(completed.returncode, EXIT_INTERNAL)
