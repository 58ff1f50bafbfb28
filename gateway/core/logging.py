"""Structured JSON logs without personal data.

Two layers, because one is never enough:

- By type: `redact(value)` renders what a log call is given. A canonical model goes through
  `schemas.privacy.redacted_dump` (every `PersonalData` field replaced), a `BSN` stays masked, containers
  are walked. The JSON formatter applies it to the message's arguments and to every `extra` field.
- By value: `PersonalDataFilter` (on the handler) scrubs the finished text of each record: every
  nine-digit number that passes the BSN 11-check, every e-mail address, and every personal value the
  API has seen in a registration this process took in (`KNOWN_VALUES.learn`), such as names and birth
  dates. This catches what a careless log call or a third-party library lets through.

`configure_logging()` installs one JSON handler on the root logger with both layers; the API, the
dispatch workers and uvicorn all log through it (uvicorn's own config is switched off in `serve`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from schemas.privacy import REDACTED, redacted_dump
from schemas.types import BSN, passes_11_check

__all__ = [
    "KNOWN_VALUES",
    "JsonFormatter",
    "KnownValues",
    "PersonalDataFilter",
    "configure_logging",
    "log_unhandled",
    "redact",
    "scrub",
]

_NINE_DIGITS = re.compile(r"(?<![0-9])([0-9]{9})(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class KnownValues:
    """Personal values seen by this process, newest kept, to scrub from log text (bounded, thread-safe)."""

    def __init__(self, limit: int = 50_000, shortest: int = 3) -> None:
        self.limit = limit
        self.shortest = shortest  # shorter values ("Jo") would scrub ordinary words
        self._values: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, values: Iterable[str]) -> None:
        with self._lock:
            changed = False
            for value in values:
                value = value.strip()
                if len(value) < self.shortest:
                    continue
                if value in self._values:
                    self._values.move_to_end(value)
                    continue
                self._values[value] = None
                changed = True
                while len(self._values) > self.limit:
                    self._values.popitem(last=False)
            if changed:
                self._pattern = None

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pattern = None

    def pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                # Longest first, so "Zwanenburg-Testpersoon" goes whole rather than leaving a tail.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in ordered), re.IGNORECASE)
            return self._pattern


KNOWN_VALUES = KnownValues()


def scrub(text: str, known: KnownValues | None = None) -> str:
    """`text` with BSNs, e-mail addresses and known personal values replaced by `[redacted]`."""
    if not text:
        return text
    text = _NINE_DIGITS.sub(lambda m: REDACTED if passes_11_check(m.group(1)) else m.group(1), text)
    text = _EMAIL.sub(REDACTED, text)
    pattern = (known or KNOWN_VALUES).pattern()
    return pattern.sub(REDACTED, text) if pattern is not None else text


def log_unhandled(logger: logging.Logger, exc: BaseException, scope: Mapping[str, Any]) -> None:
    """Log an exception no handler caught on an HTTP request: its kind, method and path in the message,
    the traceback scrubbed first (its lines can quote personal values) in `extra`."""
    trace = scrub("".join(traceback.format_exception(exc)))
    logger.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        scope.get("method"),
        scope.get("path"),
        extra={"traceback": trace},
    )


def redact(value: Any) -> Any:
    """A JSON-ready rendering of `value` with personal data removed by type."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, BSN):
        return str(value)  # masked
    if isinstance(value, BaseModel):
        return redacted_dump(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    return scrub(str(value))


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message, exception text and extras with personal data scrubbed.

    Install it on handlers: a filter on a logger does not see records that propagate from its children.
    """

    def __init__(self, known: KnownValues | None = None) -> None:
        super().__init__()
        self.known = known or KNOWN_VALUES

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage() if not record.args else record.msg % _redacted_args(record.args)
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message, self.known), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.known)
        record.exc_info = None  # the exception object itself still holds the raw message
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                record.__dict__[key] = _scrubbed(redact(value), self.known)
        return True


def _redacted_args(args: Any) -> Any:
    if isinstance(args, Mapping):
        return {k: _arg(v) for k, v in args.items()}
    if isinstance(args, tuple):
        return tuple(_arg(v) for v in args)
    return _arg(args)


def _arg(value: Any) -> Any:
    if isinstance(value, BaseModel | BSN | Mapping | list | tuple):
        return json.dumps(redact(value), ensure_ascii=False, default=str)
    return value


def _scrubbed(value: Any, known: KnownValues) -> Any:
    if isinstance(value, str):
        return scrub(value, known)
    if isinstance(value, dict):
        return {k: _scrubbed(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, known) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, extras, and exception text if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = redact(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int | str = logging.INFO, *, stream: Any = None) -> logging.Handler:
    """Send every log record to `stream` (stderr) as JSON, through the personal-data filter."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # SQLAlchemy logs statements with their parameters (personal data) at INFO: keep it quiet.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # httpx logs every request line at INFO; the delivery and intake record what matters themselves.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
