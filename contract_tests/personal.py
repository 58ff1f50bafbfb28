"""Personal data the kit plants in its messages, and the scanner that looks for it where it must not be.

The kit gives every personal field of a message a distinctive fictional value (a BSN that passes the
11-check, a rare name, a birth date, an e-mail address, an income) so that a leak is unmistakable:
finding `Kwakernaak` in an exception text cannot be a coincidence. The scanner also knows the usual
spellings (Dutch dates and amounts) and the invalid BSN the kit plants to provoke a validation error.

Log records at INFO and above are captured from the root logger while the adapter runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from contract_tests.compare import canonical_json, model_paths
from schemas import Message, parse_message

__all__ = [
    "BAD_BSN",
    "PLANTED",
    "Leak",
    "LeakScanner",
    "capture_logs",
    "has_personal_data",
    "personalise",
]

BSN_DIGITS = "739214688"  # passes the 11-check; fictional
BAD_BSN = "739214687"  # fails the 11-check: what a vendor's typo looks like, still personal data
VOORNAAM = "Ysbrandina"
ACHTERNAAM = "Kwakernaak-Privacytoets"
GEBOORTEDATUM = "1961-07-23"
CONTACT = "ysbrandina.kwakernaak@example.org"
INKOMEN = 31415.92

# Field name (the last JSON segment) -> the value planted there; by personal-data kind as a fallback.
_BY_FIELD: dict[str, Any] = {
    "voornaam": VOORNAAM,
    "achternaam": ACHTERNAAM,
    "geboortedatum": GEBOORTEDATUM,
    "bsn": BSN_DIGITS,
    "tussenvoegsels": "ter",  # too common a word to scan for; planted only to keep the field valid
}
_BY_KIND: dict[str, Any] = {
    "naam": ACHTERNAAM,
    "contact": CONTACT,
    "inkomen": INKOMEN,
    "geboortedatum": GEBOORTEDATUM,
    "bsn": BSN_DIGITS,
}

PLANTED: dict[str, tuple[str, ...]] = {
    "BSN": (BSN_DIGITS, BAD_BSN, "739 214 688", "739.214.688"),
    "name": (VOORNAAM, "Kwakernaak", "Privacytoets"),
    "birth date": (GEBOORTEDATUM, "23-07-1961", "23-7-1961", "19610723", "23/07/1961", "1961-07-23T"),
    "contact detail": (CONTACT, "kwakernaak@"),
    "income": ("31415.92", "31415,92", "31.415,92", "31,415.92", "3141592"),
}
"""What each planted kind of personal data looks like in text, in the spellings a leak would take."""


def _objects_at(data: Any, segments: list[str]) -> Iterator[dict[str, Any]]:
    """The JSON objects found at a path of segments (lists are walked transparently)."""
    if isinstance(data, list):
        for item in data:
            yield from _objects_at(item, segments)
        return
    if not isinstance(data, dict):
        return
    if not segments:
        yield data
        return
    yield from _objects_at(data.get(segments[0]), segments[1:])


def personalise(message: Message) -> Message:
    """A copy of `message` whose personal fields hold the kit's planted values (a BSN added where allowed).

    Only fields that are present are changed (plus `bsn`, which is optional and always planted, and an
    e-mail address for a person without contact details), so the copy is a valid message of the same type.
    """
    data = canonical_json(message)
    paths = model_paths(type(message))
    for path, kind in paths.items():
        if kind is None:
            continue
        parent, _, name = path.rpartition(".")
        value = _BY_FIELD.get(name, _BY_KIND.get(kind))
        if value is None:
            continue
        for obj in _objects_at(data, parent.split(".") if parent else []):
            if name == "bsn" or (name in obj and not isinstance(obj[name], dict | list)):
                obj[name] = value
    for path in paths:
        if path.endswith(".contactgegevens"):
            for person in _objects_at(data, path.split(".")[:-1]):
                if person.get("contactgegevens") == []:
                    person["contactgegevens"] = [{"soort": {"code": "EMA"}, "waarde": CONTACT}]
    return parse_message(data)


def has_personal_data(message_type: type[Message]) -> bool:
    """Whether messages of this type carry any personal field at all."""
    return any(kind is not None for kind in model_paths(message_type).values())


@dataclass(frozen=True)
class Leak:
    kind: str  # "BSN", "name", ...
    where: str  # "the exception text", "a WARNING log record of logger 'x'"

    def __str__(self) -> str:
        return f"a {self.kind} in {self.where}"


def _exception_texts(error: BaseException) -> Iterator[str]:
    """The texts an exception shows when printed or logged: its own and those of the chain a traceback shows."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        for attribute in ("reason", "detail", "message"):
            value = getattr(current, attribute, None)
            if isinstance(value, str):
                yield value
        # As a printed traceback does: the cause, else the context unless `raise ... from None` hid it.
        if current.__cause__ is not None:
            current = current.__cause__
        else:
            current = None if current.__suppress_context__ else current.__context__


@dataclass
class LeakScanner:
    """Looks for the planted personal data in exception texts and log records."""

    needles: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(PLANTED))

    def in_text(self, text: str, where: str) -> list[Leak]:
        lowered = text.lower()
        return [
            Leak(kind, where)
            for kind, spellings in self.needles.items()
            if any(spelling.lower() in lowered for spelling in spellings)
        ]

    def in_exception(self, error: BaseException, where: str = "the exception text") -> list[Leak]:
        leaks: list[Leak] = []
        for text in _exception_texts(error):
            leaks.extend(leak for leak in self.in_text(text, where) if leak not in leaks)
        return leaks

    def in_records(self, records: Iterable[logging.LogRecord]) -> list[Leak]:
        leaks: list[Leak] = []
        formatter = logging.Formatter()
        for record in records:
            where = f"a {record.levelname} log record of logger {record.name!r}"
            try:
                text = record.getMessage()
            except Exception:  # a record whose args do not fit its format: scan both raw
                text = f"{record.msg} {record.args}"
            if record.exc_info:
                text += "\n" + formatter.formatException(record.exc_info)
            if record.stack_info:
                text += "\n" + record.stack_info
            leaks.extend(leak for leak in self.in_text(text, where) if leak not in leaks)
        return leaks


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def capture_logs() -> Iterator[list[logging.LogRecord]]:
    """Every log record at INFO and above that reaches the root logger while the block runs."""
    root = logging.getLogger()
    handler = _ListHandler()
    previous = root.level
    root.addHandler(handler)
    if previous > logging.INFO:
        root.setLevel(logging.INFO)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
