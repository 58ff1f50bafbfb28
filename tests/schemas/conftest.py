"""Fixtures for the canonical model's tests: VERA's spec and code lists, read once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.schemas.vera import VeraSchemas, load_spec


@pytest.fixture(scope="session")
def vera_spec(vera_dir: Path) -> dict[str, Any]:
    return load_spec(vera_dir)


@pytest.fixture(scope="session")
def vera(vera_spec: dict[str, Any]) -> VeraSchemas:
    """VERA's WRV schemas as VERA means them: `oneOf` read as `anyOf`, Validatie-regex enforced."""
    return VeraSchemas(vera_spec)
