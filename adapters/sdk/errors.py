"""One error tree for every adapter, grouped by what the caller should do.

- `TransientError`: try again later (timeouts, connection errors, 5xx, 429; `retry_after` kept).
- `PermanentError`: do not retry; a person must fix something (4xx, SOAP client faults, bad config).
- `MappingError`: the vendor's data cannot be translated; `location` says where (field path, XML line,
  CSV row and column). One bad record is one MappingError; the rest of the file goes on.

Texts never include the offending values: vendor data carries personal data. A reason is capped at
`MAX_REASON_CHARS` (saying so), so a hostile payload cannot turn one error into a megabyte log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "MAX_REASON_CHARS",
    "AdapterError",
    "Location",
    "MappingError",
    "PermanentError",
    "Problem",
    "TransientError",
    "UnsupportedOperation",
    "cap_text",
]

MAX_REASON_CHARS: Final = 2_000
"""The longest error reason or log text an adapter produces; longer ones are cut, saying by how much."""


def cap_text(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """`text` cut to at most `limit` characters, ending with a note of how many were cut."""
    if len(text) <= limit:
        return text
    note = f"… [cut: {len(text) - limit:,} more characters]"
    return text[: max(0, limit - len(note))] + note


@dataclass(frozen=True)
class Location:
    """Where in a vendor payload something went wrong. Only the parts that apply are set."""

    field: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    csv_column: str | None = None
    record: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.csv_column is not None:
            parts.append(f"column {self.csv_column!r}")
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column is not None else ""))
        if self.field is not None:
            parts.append(f"field {self.field}")
        return ", ".join(parts) or "(whole payload)"


class AdapterError(Exception):
    """Base of every error an adapter raises. `adapter` names who raised it."""

    retryable: bool = False

    def __init__(self, reason: str, *, adapter: str | None = None) -> None:
        reason = cap_text(reason)
        super().__init__(reason)
        self.reason = reason
        self.adapter = adapter

    def __str__(self) -> str:
        return f"[{self.adapter}] {self.reason}" if self.adapter else self.reason


class TransientError(AdapterError):
    """Retry later. `retry_after` is the vendor's own wish in seconds (Retry-After), when it gave one."""

    retryable = True

    def __init__(
        self,
        reason: str,
        *,
        adapter: str | None = None,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason, adapter=adapter)
        self.retry_after = retry_after
        self.status = status


class PermanentError(AdapterError):
    """Do not retry: the request itself is wrong or refused. `status` is the HTTP status when there was one."""

    def __init__(self, reason: str, *, adapter: str | None = None, status: int | None = None) -> None:
        super().__init__(reason, adapter=adapter)
        self.status = status


class UnsupportedOperation(PermanentError):
    """The adapter does not declare the capability that was asked of it."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where (a JSON pointer into it, `/eenheden/0/kamersAantal`) and why."""

    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pointer or '(record)'}: {self.reason}"


class MappingError(AdapterError):
    """Vendor data that cannot be translated, with where it is. `problems` lists every problem found in
    the record (all at once, so its author can fix them in one pass); `location` is the first one's."""

    def __init__(
        self,
        reason: str,
        *,
        location: Location | None = None,
        adapter: str | None = None,
        problems: tuple[Problem, ...] = (),
    ) -> None:
        super().__init__(reason, adapter=adapter)
        self.location = location or Location()
        self.problems = problems

    def __str__(self) -> str:
        prefix = f"[{self.adapter}] " if self.adapter else ""
        return f"{prefix}{self.location}: {self.reason}"
