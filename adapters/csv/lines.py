"""The physical lines under the CSV reader, with enough knowledge of quoting to find its place again.

`csv.reader` pulls lines from `Lines` one at a time. A record normally is one line; a quoted value may
span lines, and then a broken quote used to cost far more than its own row: an unterminated quote
swallowed every good row after it into one value, and a 10 MB quoted value (over csv's field limit)
made csv start again *inside* the value, turning each of its lines into a bogus reject and taking the
good row after it as the value's end. So `Lines` follows the quoting itself (a small scanner that jumps
from quote to quote, so plain lines cost one `in` test), keeps the lines of a record whose quoted value
is still open (bounded by the record limit), and knows how to recover:

- a quote that never closes (end of file), that "closes" followed by text in a record that spans
  lines, or that closes lines later giving a record with the wrong number of fields: the quote that
  opened it was stray. The record's first line is rejected and the lines after
  it are read again as records of their own (`BrokenQuote`), so the good rows come back;
- a record longer than `limit` characters (or csv's field limit hit inside an open quoted value): if
  the lines held after the first look like rows of the file (the header's number of fields), the quote
  was stray as above; otherwise it is one huge value, and the lines up to its real closing quote are
  skipped without being held (`RecordTooLong`), so the record costs one reject and the next row is kept.

Memory stays bounded: a line is read in pieces of at most `limit` characters, and at most `limit`
characters of an open record are held.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from typing import Final

__all__ = ["BrokenQuote", "FileTooLarge", "Lines", "RecordTooLong", "scan_quotes"]

_SURROGATE: Final = re.compile("[\udc80-\udcff]")

# Scanner states: where the last character left the record.
FIELD_START: Final = 0  # at the start of a field (or of the record)
UNQUOTED: Final = 1  # inside a field that did not start with a quote (a quote there is literal)
QUOTED: Final = 2  # inside a quoted value
QUOTE_IN_QUOTED: Final = 3  # just after a quote inside a quoted value: a closing or a doubled quote


class RecordTooLong(Exception):
    """A record over the limit was skipped; `first` and `last` are its physical lines."""

    def __init__(self, first: int, last: int, reason: str) -> None:
        super().__init__(reason)
        self.first, self.last, self.reason = first, last, reason


class BrokenQuote(Exception):
    """The quote that opened the record at line `first` was stray; the lines after it are read again."""

    def __init__(self, first: int, reason: str) -> None:
        super().__init__(reason)
        self.first, self.reason = first, reason


class FileTooLarge(Exception):
    """The file passed its byte cap while being read."""


def scan_quotes(text: str, state: int, delimiter: str) -> tuple[int, bool]:
    """The quoting state after `text`, starting in `state`, as csv (doublequote, strict) reads it; and
    whether a quoted value was closed by a quote followed by something other than a delimiter or a line
    end (which strict csv refuses). On that the scan stops and returns FIELD_START."""
    i = 0
    n = len(text)
    while i < n:
        if state == QUOTED:
            j = text.find('"', i)
            if j < 0:
                return QUOTED, False
            state, i = QUOTE_IN_QUOTED, j + 1
        elif state == QUOTE_IN_QUOTED:
            char = text[i]
            if char == '"':
                state = QUOTED
            elif char == delimiter or char in "\r\n":
                state = FIELD_START
            else:
                return FIELD_START, True
            i += 1
        else:
            j = text.find('"', i)
            if j < 0:
                last = text[-1]
                return (FIELD_START if last == delimiter or last in "\r\n" else UNQUOTED), False
            at_start = state == FIELD_START if j == i else text[j - 1] == delimiter or text[j - 1] in "\r\n"
            state, i = (QUOTED if at_start else UNQUOTED), j + 1
    return state, False


class Lines:
    """Physical lines of the text stream for `csv.reader`; counts lines, flags bad bytes, recovers from
    broken quoting (see the module docstring). Quoting is followed once `track` is called (after the
    header, when the delimiter and the number of fields are known)."""

    def __init__(self, text: io.TextIOWrapper, limit: int) -> None:
        self.readline = text.readline
        self.limit = limit
        self.line_no = 0  # the last line handed out
        self.bad_bytes = False
        self.delimiter: str | None = None
        self.width = 0
        self._state = FIELD_START
        self._pending: deque[tuple[int, str]] = deque()  # lines to read again after a broken quote
        self._read_no = 0  # the last line read from the stream
        self._held: list[tuple[int, str]] = []  # the lines of the record whose quoted value is open
        self._held_chars = 0
        self._closed_record: re.Pattern[str] = re.compile("(?!)")
        self._unread: str | None = None  # a line the hot path read but left to the slow one
        self.spanned: list[tuple[int, str]] = []  # the lines of the last record, when it spanned lines

    def track(self, delimiter: str, width: int) -> None:
        self.delimiter, self.width = delimiter, width
        # A whole record on one line whose every quote opens or closes a value (what spreadsheets write):
        # matched in C, so a file with every value quoted does not pay the scanner per quote.
        d = re.escape(delimiter)
        value = f'(?:"[^"]*(?:""[^"]*)*"|[^"{d}\r\n]*)'
        self._closed_record = re.compile(f"{value}(?:{d}{value})*(?:\r\n|\r|\n)?")

    @property
    def next_line(self) -> int:
        """The number of the line the next record starts on."""
        return self._pending[0][0] if self._pending else self._read_no + 1

    @property
    def open_quote(self) -> bool:
        return self._state in (QUOTED, QUOTE_IN_QUOTED)

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> str:
        if self._state == FIELD_START and self.delimiter is not None and not self._pending:
            # The hot path, inlined: a record of one line, unquoted or quoted cleanly.
            line = self.readline(self.limit)
            if (
                line
                and (len(line) < self.limit or line[-1] in "\r\n")
                and ('"' not in line or self._closed_record.fullmatch(line) is not None)
            ):
                self._read_no += 1
                self.line_no = self._read_no
                if self.spanned:
                    self.spanned = []
                if not line.isascii() and _SURROGATE.search(line) is not None:
                    self.bad_bytes = True
                return line
            self._unread = line
        return self._next_slowly()

    def _next_slowly(self) -> str:
        starts_record = self._state < QUOTED
        taken = self._take()
        if taken is None:
            if not starts_record and self._held:
                raise self._broken("a quoted value opened here never closes (the file ends inside it)")
            raise StopIteration
        number, line, cut = taken
        self.line_no = number
        delimiter = self.delimiter
        if delimiter is None:  # the header and what comes before it: no quote tracking
            if cut:
                raise RecordTooLong(number, number, "line")
            return self._flag(line)
        if starts_record:
            self._held.clear()
            self._held_chars = 0
            if self.spanned:
                self.spanned = []
        if cut:
            # A line over the limit: `_take` followed its quoting up to the last piece, this is the rest.
            self._state, _bad = scan_quotes(cut, self._state, delimiter)
            first = self._held[0][0] if self._held else number
            if self.open_quote:
                raise self._skip_value(first)
            self._held.clear()
            raise RecordTooLong(first, number, "line")
        if self._state == FIELD_START and ('"' not in line or self._closed_record.fullmatch(line) is not None):
            return self._flag(line)  # the common cases: a record of one line, unquoted or quoted cleanly
        state, malformed = scan_quotes(line, self._state, delimiter)
        if malformed:
            self._state = FIELD_START
            if self._held:  # the record spans lines: the quote that opened it was stray
                self._held.append((number, line))
                raise self._broken("a quote opens a value here that does not close where a value ends")
            return self._flag(line)  # one line: csv refuses it itself, locating it
        self._state = state
        if self.open_quote:
            self._held.append((number, line))
            self._held_chars += len(line)
            if self._held_chars > self.limit:
                raise self.recover(f"the record is longer than {self.limit} characters")
        elif self._held:  # a quoted value that spanned lines closed here
            self._held.append((number, line))
            self.spanned, self._held = self._held, []
        return self._flag(line)

    def read_again(self, reason: str) -> BrokenQuote:
        """The last record spanned lines and is wrong as a whole (it has the wrong number of fields): its
        opening quote was stray, so its lines after the first are read again as rows of their own."""
        first = self.spanned[0][0]
        self._pending.extendleft(reversed(self.spanned[1:]))
        self.spanned = []
        return BrokenQuote(first, f"{reason}; the lines after it are read again as rows")

    def recover(self, why: str) -> RecordTooLong | BrokenQuote:
        """After csv gave up inside an open quoted value (or the record grew too long): decide whether
        the quote was stray (read the held lines again) or the value is huge (skip to its end)."""
        first = self._held[0][0] if self._held else self.line_no
        if self._held[1:4] and all(self._looks_like_a_row(line) for _no, line in self._held[1:4]):
            return self._broken(f"{why}: a quote opened here seems never to close")
        return self._skip_value(first)

    def _looks_like_a_row(self, line: str) -> bool:
        try:
            fields = next(csv.reader([line], delimiter=self.delimiter or ";", strict=True))
        except (csv.Error, StopIteration):
            return False
        return len(fields) == self.width

    def _broken(self, reason: str) -> BrokenQuote:
        first = self._held[0][0]
        self._pending.extendleft(reversed(self._held[1:]))
        self._held.clear()
        self._held_chars = 0
        self._state = FIELD_START
        return BrokenQuote(first, f"{reason}; the lines after it are read again as rows")

    def _skip_value(self, first: int) -> RecordTooLong:
        """Read on, holding nothing, to the end of the open quoted value and of its record."""
        self._held.clear()
        self._held_chars = 0
        delimiter = self.delimiter or ";"
        last = self.line_no
        while self.open_quote:
            taken = self._take()
            if taken is None:
                self._state = FIELD_START
                return RecordTooLong(first, last, "the file ends inside it")
            number, line, cut = taken
            last = self.line_no = number
            state, malformed = scan_quotes(cut or line, self._state, delimiter)
            if malformed:
                self._state = FIELD_START
                return RecordTooLong(first, last, "its closing quote is followed by text")
            self._state = state
        return RecordTooLong(first, last, "value")

    def _take(self) -> tuple[int, str, str] | None:
        """(line number, line, "") for a line within the limit, (number, "", last piece) for a line
        over it, which is read on in pieces and dropped; None at the end of the file."""
        if self._pending:
            number, line = self._pending.popleft()
            return number, line, ""
        if self._unread is not None:
            line, self._unread = self._unread, None
        else:
            line = self.readline(self.limit)
        if not line:
            return None
        self._read_no += 1
        if len(line) >= self.limit and line[-1] not in "\r\n":
            state = self._state
            delimiter = self.delimiter or ";"
            piece = line
            while True:
                state, _bad = scan_quotes(piece, state, delimiter) if self.delimiter else (state, False)
                piece = self.readline(self.limit)
                if not piece or piece[-1] in "\r\n":
                    break
            # The last piece, so the caller can follow quoting to the line's end; state so far is kept.
            self._state = state
            return self._read_no, "", piece or "\n"
        return self._read_no, line, ""

    def _flag(self, line: str) -> str:
        # Undecodable bytes arrive as lone surrogates (errors="surrogateescape"): flag, locate later.
        if not line.isascii() and _SURROGATE.search(line) is not None:
            self.bad_bytes = True
        return line
