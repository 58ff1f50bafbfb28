"""Running the contract kit against an installed adapter from the command line (`woonbrug contract-test`).

It writes the same one-line test file a vendor keeps in their repository into a temporary folder and
runs pytest on it in this process, so the result is exactly what the vendor's CI sees; the exit code is
pytest's (0 passed, 1 failed, 2 interrupted, 4 usage error, 5 nothing collected).
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["contract_test_source", "run"]


def contract_test_source(
    adapter: str,
    *,
    config: Path | None = None,
    fixtures: Path | None = None,
    vera_spec: Path | None = None,
    opt_outs: Mapping[str, str] | None = None,
    max_examples: int | None = None,
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
    pytest_args: Sequence[str] = (),
) -> int:
    """Run the kit against the installed adapter `adapter`; returns pytest's exit code."""
    import pytest

    source = contract_test_source(
        adapter, config=config, fixtures=fixtures, vera_spec=vera_spec, opt_outs=opt_outs, max_examples=max_examples
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
        return int(pytest.main(args))
