"""Every log record emitted while an API test runs, kept as text, to be scanned for personal data.

The handler sits on the root logger at DEBUG for the whole session but keeps only what is logged while
an API test is running (`ACTIVE`), so other test folders cannot make this scan pass or fail.
"""

from __future__ import annotations

import logging
import traceback

from tests import factories

PERSONAL_VALUES = (
    factories.BSN_VALID,
    factories.VOORNAAM,
    factories.ACHTERNAAM,
    factories.EMAIL,
    factories.GEBOORTEDATUM.isoformat(),
    factories.GEBOORTEDATUM.strftime("%d-%m-%Y"),
)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.active = False
        self.texts: list[str] = []
        self.names: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not self.active:
            return
        try:
            message = record.getMessage()
        except Exception:
            message = f"{record.msg!r} % {record.args!r}"
        parts = [record.name, message, repr(record.__dict__)]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        if record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(record.stack_info)
        self.names.append(record.name)
        self.texts.append("\n".join(parts))

    def leaks(self) -> list[tuple[str, str]]:
        """(value, record text) for every personal value found in a record."""
        found = []
        for text in self.texts:
            lowered = text.lower()
            for value in PERSONAL_VALUES:
                if value.lower() in lowered:
                    found.append((value, text[:300]))
        return found


CAPTURE = Capture()
