"""Shared test fixtures: real databases, the VERA spec from ../shared, and the rule that CI never skips.

The VERA WRV spec and code lists are read from `WOONBRUG_VERA_DIR` (default: `../shared/vera` beside the
repository); never copied in. At the end of every run the summary groups the skipped tests by reason
(`pytest_terminal_summary` below), so a checkout without the spec says how many tests it did not run.

PostgreSQL tests use `WOONBRUG_TEST_POSTGRES_URL` (default: the local server's `test` database). On a
machine without PostgreSQL they skip with the reason; with `WOONBRUG_REQUIRE_POSTGRES=1` (set by .ci/run)
that skip becomes a failure, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VERA_DIR_VARIABLE = "WOONBRUG_VERA_DIR"
SHARED_VERA = Path(os.environ.get(VERA_DIR_VARIABLE) or REPO.parent / "shared" / "vera")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def require_or_skip(flag: str, reason: str) -> None:
    """Skip with `reason`, unless `flag` is set in the environment: then fail, because CI needs it."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def vera_dir() -> Path:
    """`../shared/vera`, the VERA WRV spec and Referentiedata; skips when absent (a vendor's checkout)."""
    if not (SHARED_VERA / "WRV-4.3.0.yaml").is_file():
        require_or_skip(
            "CI",
            f"VERA spec not found at {SHARED_VERA} (set {VERA_DIR_VARIABLE}, or put ../shared/vera beside the repo)",
        )
    return SHARED_VERA


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A reachable PostgreSQL URL (SQLAlchemy form), or a skip with the reason."""
    url = os.environ.get("WOONBRUG_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3) as connection:
            connection.execute("select 1")
    except Exception as error:
        require_or_skip("WOONBRUG_REQUIRE_POSTGRES", f"PostgreSQL not reachable at {url}: {type(error).__name__}")
    return url


def skip_reasons(reports: list[pytest.TestReport]) -> list[tuple[int, str]]:
    """(count, reason) of the skipped tests, most frequent first."""
    counts: dict[str, int] = {}
    for report in reports:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        counts[reason] = counts.get(reason, 0) + 1
    return sorted(((count, reason) for reason, count in counts.items()), key=lambda item: (-item[0], item[1]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many tests skipped, then each reason with its count (README tells readers to look for it)."""
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if isinstance(report, pytest.TestReport)]
    if not skipped:
        return
    terminalreporter.section(f"{len(skipped)} skipped, by reason")
    for count, reason in skip_reasons(skipped):
        terminalreporter.write_line(f"{count:>5}  {reason}")
