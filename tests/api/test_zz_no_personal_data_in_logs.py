"""Runs last (by name): every log record of the API tests so far holds none of the fixtures' personal data.

The capture (tests/api/logscan.py) keeps every record logged while an API test ran, from every logger,
at every level, with its arguments, extras and exception text. This test also drives a whole flow
itself, so it checks something even when run alone; the session fixture checks again at the very end.
"""

from __future__ import annotations

from tests.api.logscan import CAPTURE
from tests.api.world import World


def test_no_log_record_of_the_api_tests_contains_personal_data(world: World) -> None:
    world.allocate()
    assert any("POST /api/v1/inschrijvingen 201" in text for text in CAPTURE.texts), "access log not captured"
    leaks = CAPTURE.leaks()
    assert leaks == [], f"{len(leaks)} log record(s) contain personal data, e.g. {leaks[0]}"
