"""Logs without personal data: redaction by type, scrubbing by value, and the JSON format."""

from __future__ import annotations

import io
import json
import logging

from gateway.core.logging import JsonFormatter, KnownValues, PersonalDataFilter, configure_logging, redact, scrub
from tests import factories
from tests.api.logscan import PERSONAL_VALUES, Capture


def test_models_are_redacted_by_type() -> None:
    inschrijving = factories.inschrijving()
    rendered = json.dumps(redact({"who": inschrijving, "bsn": inschrijving.aanvrager.bsn}))
    for value in PERSONAL_VALUES[:5]:
        assert value not in rendered
    assert '"aantalVolwassenen": 1' in rendered  # what is not personal stays


def test_scrub_finds_bsns_emails_and_known_values() -> None:
    known = KnownValues()
    known.learn([factories.VOORNAAM, factories.ACHTERNAAM, "Jo"])
    text = f"{factories.VOORNAAM} {factories.ACHTERNAAM} {factories.BSN_VALID} {factories.EMAIL} 123456789 Jo"
    cleaned = scrub(text, known)
    assert cleaned.count("[redacted]") == 4
    assert "123456789" in cleaned  # nine digits failing the 11-check are no BSN
    assert cleaned.endswith(" Jo")  # too short to scrub without mangling ordinary words


def test_the_filter_scrubs_messages_arguments_exceptions_and_extras() -> None:
    known = KnownValues()
    known.learn([factories.ACHTERNAAM])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PersonalDataFilter(known))
    logger = logging.getLogger("woonbrug.test.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"bad {factories.BSN_VALID}")
        except ValueError:
            logger.exception(
                "seeker %s wrote from %s",
                factories.inschrijving(),
                factories.EMAIL,
                extra={"who": factories.ACHTERNAAM},
            )
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    entry = json.loads(line)
    assert entry["level"] == "error"
    assert entry["who"] == "[redacted]"
    assert "ValueError" in entry["exc"]
    for value in PERSONAL_VALUES[:5]:
        assert value not in line


def test_configure_logging_writes_json_lines_through_the_filter() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure_logging(logging.INFO, stream=stream)
        logging.getLogger("woonbrug.test").info("registered %s", factories.BSN_VALID)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["msg"] == "registered [redacted]"
    assert logging.getLogger("sqlalchemy").getEffectiveLevel() >= logging.WARNING


def test_the_log_scan_itself_finds_a_leak() -> None:
    capture = Capture()
    capture.active = True
    capture.emit(logging.LogRecord("x", logging.INFO, __file__, 1, "seeker %s", (factories.BSN_VALID,), None))
    assert [value for value, _ in capture.leaks()] == [factories.BSN_VALID]
