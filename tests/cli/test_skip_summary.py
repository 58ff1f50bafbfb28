"""The test summary says how many tests skipped and why (tests/conftest.py's pytest_terminal_summary),
and README says where the VERA spec comes from and how tests find it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, VERA_DIR_VARIABLE


def test_the_summary_groups_skips_by_reason(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_some.py").write_text(
        "import pytest\n"
        "@pytest.mark.parametrize('n', range(3))\n"
        "def test_needs_spec(n):\n    pytest.skip('VERA spec not found')\n"
        "def test_needs_browser():\n    pytest.skip('no chromium')\n"
        "def test_runs():\n    pass\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 skipped, by reason" in done.stdout
    assert "    3  VERA spec not found" in done.stdout
    assert "    1  no chromium" in done.stdout


def test_readme_says_where_the_vera_spec_comes_from_and_how_tests_find_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert VERA_DIR_VARIABLE in readme
    assert "../shared/vera" in readme
    assert "skipped, by reason" in readme
