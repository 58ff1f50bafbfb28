"""Streaming CSV decode: a binary file in, one canonical message (or one located rejection) per row out.

Memory stays constant whatever the file size: the bytes go through `io.TextIOWrapper` and
`csv.reader` one physical line at a time, a record longer than the mapping's `max_line_chars` is skipped
in pieces without ever being held whole, and nothing is kept per row after it has been yielded. After a
quoting error the reader finds its place again (`adapters.csv.lines`): a stray quote costs its own row,
a huge quoted value one reject, and the good rows after either are kept. `max_field_chars` and
`max_file_bytes` cap a value and the file, each with an error naming the setting. The encoding is the
mapping's or detected (UTF-8 with or without BOM, UTF-16 by its BOM, else windows-1252); a file that
cannot be read so (UTF-16 without BOM, UTF-32) is refused by name.

Where a problem is, is said twice: `row` is the 1-based data row (the header and blank lines do not
count), `line` is the physical line of the file where that record starts (the header is line 1), which
is the row number a spreadsheet shows as long as no cell spans lines. Reasons are fixed texts and
column names; they never quote a cell, because cells carry personal data.

Message ids are deterministic, so importing the same file twice gives the same ids and the gateway's
idempotent inbox sees every effect once. With `key_columns` the id is a digest of (tenant, system,
message type, key values, the whole row's text): the same row in a later file is the same message, an
edited row is a new one. Without key columns the file's identity (`source`) and the row number stand in
for the key. The correlation id is the digest of the key alone, so every message about one registration
or unit shares it.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import blake2b
from typing import Any, BinaryIO

import pydantic

from adapters.csv.lines import BrokenQuote, FileTooLarge, Lines, RecordTooLong
from adapters.csv.mapping import MISSING, CellError, ImportPlan
from adapters.sdk.errors import MAX_REASON_CHARS, Location, MappingError
from schemas import Message, MessageSource

__all__ = [
    "PREFIX_BYTES",
    "CsvReader",
    "Problem",
    "Rejected",
    "detect_delimiter",
    "detect_encoding",
    "encoding_refusal",
]

_CACHE_ENTRIES = 16_384  # converted values kept per column per file: bounded, so memory stays constant

logger = logging.getLogger("adapters.csv")

PREFIX_BYTES = 65_536
"""How much of the file is looked at to choose an encoding when the mapping says `auto`."""

_SURROGATE = re.compile("[\udc80-\udcff]")
_SEP_HINT = re.compile(r"^sep=(.)\s*$")  # Excel's "sep=;" first line
# Context values pydantic may put in a message that come from the model, not from the data.
_SAFE_CONTEXT = frozenset(
    {"soort", "allowed", "pattern", "expected", "max_length", "min_length", "ge", "gt", "le", "lt", "error"}
)


@dataclass(frozen=True)
class Problem:
    """One reason a row was refused: the column (as the file's header names it), the field, the reason."""

    reason: str
    column: str | None = None
    field: str | None = None


@dataclass
class Rejected:
    """A row (or, with `whole_file`, the file) that could not be translated, with the raw cells if any."""

    row: int
    line: int | None
    problems: tuple[Problem, ...]
    fields: list[str] | None = None
    whole_file: bool = False

    @property
    def error(self) -> MappingError:
        """The first problem as a located MappingError; the others are summed up in its reason."""
        first = self.problems[0]
        reason = first.reason
        if len(self.problems) > 1:
            others = "; ".join(
                (f"column {p.column!r}: " if p.column else (f"{p.field}: " if p.field else "")) + p.reason
                for p in self.problems[1:]
            )
            reason += f" (also {others})"
        location = Location(row=self.row or None, line=self.line, csv_column=first.column, field=first.field)
        return MappingError(reason, location=location, adapter="csv")


class _PrefixedRaw(io.RawIOBase):
    """The bytes already read to sniff the encoding, then the rest of the caller's stream (left open).
    Raises `FileTooLarge` once more than `cap` bytes have been read."""

    def __init__(self, prefix: bytes, stream: BinaryIO, cap: int) -> None:
        self._prefix = memoryview(prefix)
        self._stream = stream
        self._cap = cap
        self._read = len(prefix)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            count = min(len(buffer), len(self._prefix))
            buffer[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._stream.read(len(buffer))
        self._read += len(data)
        if self._read > self._cap:
            raise FileTooLarge
        buffer[: len(data)] = data
        return len(data)


def _read_prefix(stream: BinaryIO, size: int) -> tuple[bytes, bool]:
    """Up to `size` bytes, and whether that was the whole stream."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts), False


def detect_encoding(prefix: bytes, declared: str = "auto", *, complete: bool = True) -> str:
    """The mapping's encoding, or for `auto`: a UTF-8 BOM -> utf-8-sig, a UTF-16 BOM (LE or BE) -> utf-16,
    valid UTF-8 -> utf-8, else windows-1252.

    Only `prefix` is looked at (the file may be huge); a multi-byte character cut off at its end is fine.
    Bytes further on that do not decode are located per row (see `CsvReader`). `encoding_refusal` says
    when the bytes cannot be read in the encoding chosen.
    """
    if declared != "auto":
        return declared
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _utf16_bom(prefix):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=complete)
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _utf16_bom(prefix: bytes) -> bool:
    # A UTF-32 LE BOM starts like UTF-16 LE's; no spreadsheet writes UTF-32, and its NULs refuse it below.
    return prefix[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and not prefix.startswith(codecs.BOM_UTF32_LE)


def _looks_utf16_without_bom(prefix: bytes) -> bool:
    """Text in UTF-16 has a NUL in every other byte (for Latin text); no CSV in an 8-bit encoding has."""
    sample = prefix[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > len(sample) // 4 and min(even, odd) < max(even, odd) // 4


def encoding_refusal(prefix: bytes, encoding: str) -> str | None:
    """Why the file cannot be read as `encoding`, naming the encoding it is in; None when it can."""
    if encoding == "utf-16":
        return None if _utf16_bom(prefix) else "the mapping declares utf-16, but the file has no UTF-16 byte-order mark"
    if prefix.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "the file is UTF-32 (byte-order mark); save it as UTF-8"
    if _utf16_bom(prefix):
        return f"the file is UTF-16 (byte-order mark), but the mapping declares {encoding}; declare auto or utf-16"
    if _looks_utf16_without_bom(prefix):
        return (
            "the file looks like UTF-16 without a byte-order mark (every other byte is NUL); "
            "save it as UTF-8, or as UTF-16 with a byte-order mark"
        )
    return None


def detect_delimiter(header_line: str) -> str:
    """`;` or `,` (or tab), whichever the header line uses most outside quotes; `;` when it is unclear."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: unquoted.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ";"


def _fold(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


@dataclass
class _Bound:
    """The plan bound to one file's header."""

    columns: tuple[tuple[int, Any, int, str, Any, str], ...]  # (cell index, convert, node, key, default, label)
    fills: tuple[tuple[int, str, Any], ...]  # absent optional columns with a default: (node, key, default)
    key_indexes: tuple[int, ...]
    width: int
    repeats: tuple[bool, ...] = ()  # per bound column: worth a per-file cache of converted values
    plain: tuple[bool, ...] = ()  # per bound column: plain text, inlined by the generated builder
    by_path: dict[tuple[str | int, ...], str] = field(default_factory=dict)  # field alias path -> header label


class CsvReader:
    """Decode one CSV file with an import plan. Iterate `read(stream)`: a `Message` per good row, a
    `Rejected` per bad row (and a single `Rejected(whole_file=True)` when the file itself is refused).

    After (or during) reading, `warnings`, `encoding`, `delimiter` and `header` describe the file.
    """

    def __init__(
        self,
        plan: ImportPlan,
        *,
        tenant: str,
        system: str = "csv",
        source: str = "",
        occurred_at: datetime | None = None,
    ) -> None:
        self.plan = plan
        self.source_name = source
        self.source = MessageSource(tenant=tenant, system=system)
        self.occurred_at = (occurred_at or datetime.now(UTC)).astimezone(UTC)
        self.warnings: list[str] = []
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.header: tuple[str, ...] = ()
        seed = blake2b(digest_size=16, person=b"woonbrug-csv")
        seed.update("\x1f".join((tenant, system, plan.message_type)).encode())
        self._seed = seed

    # --- the file ---------------------------------------------------------------------------------------

    def read(self, stream: BinaryIO) -> Iterator[Message | Rejected]:
        mapping = self.plan.mapping
        prefix, complete = _read_prefix(stream, PREFIX_BYTES)
        if not prefix.strip(b" \t\r\n\xef\xbb\xbf"):
            yield Rejected(0, None, (Problem("the file is empty: no header line and no rows"),), whole_file=True)
            return
        self.encoding = detect_encoding(prefix, mapping.encoding, complete=complete)
        refusal = encoding_refusal(prefix, self.encoding)
        if refusal is not None:
            yield self._refuse(None, refusal)
            return
        raw = _PrefixedRaw(prefix, stream, mapping.max_file_bytes)
        text = io.TextIOWrapper(
            io.BufferedReader(raw, buffer_size=PREFIX_BYTES),
            encoding=self.encoding,
            errors="surrogateescape",
            newline="",
        )
        lines = Lines(text, mapping.max_line_chars)
        try:
            yield from self._read_lines(lines)
        except FileTooLarge:
            yield self._refuse(
                lines.line_no + 1,
                f"the file is larger than the cap of {mapping.max_file_bytes:,} bytes (max_file_bytes); "
                "reading stopped here and the rows from here on were not read",
            )
        finally:
            text.detach()  # leave the caller's stream open; ours wrap it only

    def _read_lines(self, lines: Lines) -> Iterator[Message | Rejected]:
        mapping = self.plan.mapping
        header_line = ""
        delimiter: str | None = None if mapping.delimiter == "auto" else mapping.delimiter
        try:
            for candidate in lines:
                if not candidate.strip():
                    continue
                hint = _SEP_HINT.match(candidate)
                if hint is not None:
                    delimiter = delimiter or hint.group(1)  # the mapping's own delimiter wins
                    continue
                header_line = candidate
                break
        except RecordTooLong:
            yield self._refuse(lines.line_no, f"the header line is longer than {mapping.max_line_chars} characters")
            return
        if not header_line:
            yield self._refuse(None, "the file has no header line and no rows")
            return
        if lines.bad_bytes:
            yield self._refuse(lines.line_no, f"the header line is not valid {self.encoding}")
            return
        self.delimiter = delimiter or detect_delimiter(header_line)
        dialect: dict[str, Any] = {"delimiter": self.delimiter, "quotechar": '"', "doublequote": True, "strict": True}
        try:
            header = next(csv.reader([header_line], **dialect))
        except (csv.Error, StopIteration):
            yield self._refuse(lines.line_no, "the header line is not valid CSV")
            return
        self.header = tuple(name.strip().lstrip("\ufeff").strip() for name in header)
        bound = self._bind(lines.line_no)
        if isinstance(bound, Rejected):
            yield bound
            return
        lines.track(self.delimiter, bound.width)
        yield from self._rows(lines, csv.reader(lines, **dialect), bound)

    def _refuse(self, line: int | None, reason: str) -> Rejected:
        return Rejected(0, line, (Problem(reason),), whole_file=True)

    def _bind(self, header_line_no: int) -> _Bound | Rejected:
        """Match the mapping's columns to the header: all required present, extras ignored (or refused)."""
        mapping = self.plan.mapping
        positions: dict[str, int] = {}
        duplicates: set[str] = set()
        for index, name in enumerate(self.header):
            folded = _fold(name)
            if folded in positions:
                duplicates.add(folded)
            positions.setdefault(folded, index)
        wanted = {_fold(name) for name in mapping.columns}
        missing = [name for name, spec in mapping.columns.items() if spec.required and _fold(name) not in positions]
        if missing:
            listed = _names(missing)
            found_none = not wanted & set(positions)
            hint = " (none of the mapped columns is there: is the header line missing?)" if found_none else ""
            return self._refuse(header_line_no, f"missing required columns: {listed}{hint}")
        ambiguous = [name for name in mapping.columns if _fold(name) in duplicates]
        if ambiguous:
            listed = _names(ambiguous)
            return self._refuse(header_line_no, f"columns appear more than once in the header: {listed}")
        extra = [name for name in self.header if name and _fold(name) not in wanted]
        if extra:
            listed = _names(extra)
            if mapping.extra_columns == "refuse":
                return self._refuse(
                    header_line_no, f"columns not in the mapping: {listed} (the mapping refuses extras)"
                )
            warning = f"ignored {len(extra)} columns that are not in the mapping: {listed}"
            self.warnings.append(warning)
            # Logged here, once, as soon as it is known (a consumer may stop reading early).
            logger.warning("csv import %s: %s", self.source_name or "(stream)", warning)

        columns = []
        repeats = []
        plain = []
        fills: list[tuple[int, str, Any]] = []
        by_path: dict[tuple[str | int, ...], str] = {}
        for compiled in self.plan.columns:
            found = positions.get(_fold(compiled.name))
            if found is None:
                if compiled.default is not MISSING:
                    fills.append((compiled.node, compiled.key, compiled.default))
                continue
            label = self.header[found]
            columns.append((found, compiled.convert, compiled.node, compiled.key, compiled.default, label))
            repeats.append(compiled.repeats)
            plain.append(compiled.plain_text)
            by_path[compiled.target.alias_path] = label
        keys = tuple(positions[_fold(name)] for name in mapping.key_columns)
        return _Bound(
            tuple(columns),
            tuple(fills),
            keys,
            len(self.header),
            repeats=tuple(repeats),
            plain=tuple(plain),
            by_path=by_path,
        )

    # --- the rows ---------------------------------------------------------------------------------------

    def _rows(self, lines: Lines, reader: Iterator[list[str]], bound: _Bound) -> Iterator[Message | Rejected]:
        width = bound.width
        row = 0
        build = self._build
        fast = _generate_builder(self.plan, bound)
        identify = self._identify
        validate = self.plan.message_class.model_validate
        message_type, source, occurred_at = self.plan.message_type, self.source, self.occurred_at
        limit = self.plan.mapping.max_line_chars
        # csv's own field limit holds for every cell already; a lower cap is checked per row.
        field_cap = self.plan.mapping.max_field_chars
        check_fields = field_cap < csv.field_size_limit()
        while True:
            start = lines.next_line
            lines.bad_bytes = False
            try:
                fields = next(reader)
            except StopIteration:
                return
            except RecordTooLong as skipped:
                row += 1
                yield Rejected(row, skipped.first, (Problem(_too_long(skipped, limit)),))
                continue
            except BrokenQuote as broken:
                row += 1
                yield Rejected(row, broken.first, (Problem(broken.reason),))
                continue
            except csv.Error as error:
                # csv's messages describe the syntax ("field larger than field limit", "',' expected
                # after '\"'"), never the data.
                row += 1
                reason = f"malformed CSV: {error}"
                if lines.open_quote:  # csv gave up inside a quoted value: find the place again
                    signal = lines.recover(reason)
                    if isinstance(signal, BrokenQuote):
                        reason, start = signal.reason, signal.first
                    else:
                        reason += f" (the quoted value runs to line {signal.last}; skipped)"
                yield Rejected(row, start, (Problem(reason),))
                continue
            if len(fields) != width:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # a blank line
                if len(fields) > width and not any(cell.strip() for cell in fields[width:]):
                    del fields[width:]  # trailing delimiters
                elif len(lines.spanned) > 1:
                    # A quote opened a value that closed lines later: stray, unless the record fits.
                    row += 1
                    last = lines.spanned[-1][0]
                    reread = lines.read_again(
                        f"a quote opened here closes only at line {last}, giving a row of {len(fields)} fields "
                        f"where the header has {width}"
                    )
                    yield Rejected(row, reread.first, (Problem(reread.reason),))
                    continue
                else:
                    row += 1
                    yield Rejected(
                        row,
                        start,
                        (
                            Problem(
                                f"the row has {len(fields)} fields but the header has {width}"
                                + (" (a delimiter inside an unquoted value?)" if len(fields) > width else "")
                            ),
                        ),
                        fields,
                    )
                    continue
            row += 1
            if check_fields and max(map(len, fields)) > field_cap:
                yield self._too_big(row, start, fields, bound, field_cap)
                continue
            if lines.bad_bytes:
                yield self._bad_bytes(row, start, fields, bound)
                continue
            # The generated builder handles the good rows; a row it cannot build, or whose message does
            # not validate, goes the generic way again, which finds and locates every problem.
            payload = fast(fields)
            if payload is None:
                yield build(row, start, fields, bound)
                continue
            message_id, correlation_id = identify(row, fields, bound)
            try:
                yield validate(
                    {
                        "type": message_type,
                        "messageId": message_id,
                        "correlationId": correlation_id,
                        "source": source,
                        "occurredAt": occurred_at,
                        "payload": payload,
                    }
                )
            except pydantic.ValidationError:
                yield build(row, start, fields, bound)

    def _too_big(self, row: int, line: int, fields: list[str], bound: _Bound, cap: int) -> Rejected:
        labels = {index: label for index, *_rest, label in bound.columns}
        problems = tuple(
            Problem(
                f"field larger than field limit of {cap:,} characters (max_field_chars)",
                labels.get(index, self.header[index]),
            )
            for index, cell in enumerate(fields)
            if len(cell) > cap
        )
        return Rejected(row, line, problems)

    def _bad_bytes(self, row: int, line: int, fields: list[str], bound: _Bound) -> Rejected:
        labels = {index: label for index, *_rest, label in bound.columns}
        problems = [
            Problem(
                f"bytes that are not valid {self.encoding}; save the file as UTF-8",
                labels.get(index, self.header[index]),
            )
            for index, cell in enumerate(fields)
            if _SURROGATE.search(cell) is not None
        ]
        cleaned = [cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for cell in fields]
        return Rejected(row, line, tuple(problems) or (Problem(f"bytes that are not valid {self.encoding}"),), cleaned)

    def _build(self, row: int, line: int, fields: list[str], bound: _Bound) -> Message | Rejected:
        nodes = self.plan.nodes
        values: list[dict[str, Any] | None] = [None] * len(nodes)
        problems: list[Problem] | None = None
        for index, convert, node, key, default, label in bound.columns:
            cell = fields[index]
            if cell:
                try:
                    value = convert(cell)
                except CellError as error:
                    if problems is None:
                        problems = []
                    problems.append(Problem(error.reason, label, _field_of(bound, label)))
                    continue
            else:
                value = MISSING
            if value is MISSING:
                if default is MISSING:
                    continue
                value = default
            target = values[node]
            if target is None:
                target = values[node] = {}
            target[key] = value
        if problems is not None:
            return Rejected(row, line, tuple(problems), fields)
        for node, key, value in bound.fills:
            target = values[node]
            if target is None:
                target = values[node] = {}
            target[key] = value
        payload = _assemble(nodes, values)
        message_id, correlation_id = self._identify(row, fields, bound)
        envelope = {
            "type": self.plan.message_type,
            "messageId": message_id,
            "correlationId": correlation_id,
            "source": self.source,
            "occurredAt": self.occurred_at,
            "payload": payload,
        }
        try:
            return self.plan.message_class.model_validate(envelope)
        except pydantic.ValidationError as error:
            return Rejected(row, line, self._locate(error, fields, bound, values), fields)

    def _identify(self, row: int, fields: list[str], bound: _Bound) -> tuple[str, str]:
        """(message id, correlation id) of a row; see the module docstring for why they are made so."""
        digest = self._seed.copy()
        if bound.key_indexes:
            digest.update("\x1f".join([fields[i].strip() for i in bound.key_indexes]).encode())
            correlation = "csv-" + digest.hexdigest()
        else:
            digest.update(f"{self.source_name}\x1f{row}".encode())
            correlation = ""
        digest.update(b"\x1e")
        digest.update("\x1f".join(fields).encode())
        message_id = "csv-" + digest.hexdigest()
        return message_id, correlation or message_id

    # --- where a validation error is --------------------------------------------------------------------

    def _locate(
        self,
        error: pydantic.ValidationError,
        fields: list[str],
        bound: _Bound,
        values: list[dict[str, Any] | None],
    ) -> tuple[Problem, ...]:
        declared = self._declared_indexes(values)
        cells = [cell.strip() for cell in fields if len(cell.strip()) >= 3]
        problems = []
        for item in error.errors(include_url=False, include_input=False):
            loc = tuple(item["loc"])
            if loc[:1] != ("payload",):
                problems.append(Problem(_safe_message(item, cells), None, ".".join(str(p) for p in loc) or None))
                continue
            path = _declared_path(loc[1:], declared)
            dotted = _dotted(path)
            column = self._column_for(path, item["type"], bound)
            if item["type"] == "missing":
                reason = "a value is required" if column else f"{dotted} is required"
            else:
                reason = _safe_message(item, cells)
            problems.append(Problem(reason, column, dotted or None))
        return tuple(problems)

    def _declared_indexes(self, values: list[dict[str, Any] | None]) -> dict[tuple[tuple[str | int, ...], int], int]:
        """(list path, position in the built list) -> the index the mapping declared (items may be left out)."""
        found: dict[tuple[tuple[str | int, ...], int], int] = {}
        nodes = self.plan.nodes
        for number, node in enumerate(nodes):
            item = values[number]
            if node.index is None or item is None:
                continue
            parent = values[node.parent]
            built = parent.get(node.key) if parent is not None else None
            if isinstance(built, list):
                for position, candidate in enumerate(built):
                    if candidate is item:
                        found[((*nodes[node.parent].path, node.key), position)] = node.index
        return found

    def _column_for(self, path: tuple[str | int, ...], kind: str, bound: _Bound) -> str | None:
        if path in bound.by_path:
            return bound.by_path[path]
        # Deeper than a column (inside a looked-up object): that column.
        for cut in range(len(path) - 1, 0, -1):
            if path[:cut] in bound.by_path:
                return bound.by_path[path[:cut]]
        # An object the columns fill together: the one column, or for "missing" the first of them.
        below = [label for column_path, label in bound.by_path.items() if column_path[: len(path)] == path]
        if len(below) == 1 or (below and kind == "missing"):
            return below[0]
        return None


def _names(names: list[str], budget: int = MAX_REASON_CHARS // 2) -> str:
    """Column names for a message, each cut at 40 characters, the list cut at `budget` characters: a
    header of a million columns must not become a megabyte log line."""
    shown: list[str] = []
    used = 0
    for name in names:
        text = repr(name[:40])
        if used + len(text) > budget:
            return ", ".join(shown) + f", … and {len(names) - len(shown):,} more"
        shown.append(text)
        used += len(text) + 2
    return ", ".join(shown)


def _too_long(skipped: RecordTooLong, limit: int) -> str:
    first, last = skipped.first, skipped.last
    if skipped.reason == "line":
        return f"line longer than {limit} characters; row skipped"
    if skipped.reason == "value":
        return f"a quoted value longer than {limit} characters (lines {first}-{last}); row skipped"
    # Read on to the value's end and found none: the quote was stray after all, but the lines are gone.
    return (
        f"a quote opened at line {first} never closes properly ({skipped.reason}); lines {first}-{last} "
        f"could not be read as rows (over {limit} characters to read again)"
    )


def _field_of(bound: _Bound, label: str) -> str | None:
    for path, name in bound.by_path.items():
        if name == label:
            return _dotted(path)
    return None


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def _declared_path(
    loc: tuple[str | int, ...], declared: dict[tuple[tuple[str | int, ...], int], int]
) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            part = declared.get((tuple(out), part), part)
        out.append(part)
    return tuple(out)


def _safe_message(item: Any, cells: list[str]) -> str:
    """Pydantic's message without anything that came from the row (custom errors may quote the input)."""
    message = str(item["msg"])
    for key, value in (item.get("ctx") or {}).items():
        if key not in _SAFE_CONTEXT:
            text = str(value)
            if text:
                message = message.replace(text, "…")
    for cell in cells:
        if cell in message:
            message = message.replace(cell, "…")
    return message


def _assemble(nodes: Any, values: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Attach the row's objects to their parents: objects without a value are left out; objects the
    mapping fills with constants only live when the nearest object with columns does."""
    count = len(nodes)
    for number in range(count - 1, 0, -1):
        node = nodes[number]
        if node.has_columns and values[number] is not None and values[node.parent] is None:
            values[node.parent] = {}
    for number in range(count - 1, 0, -1):
        node = nodes[number]
        item = values[number]
        if item is None:
            if node.has_columns or (node.anchor > 0 and values[node.anchor] is None):
                continue
            item = values[number] = {}
        if node.constants:
            item.update(node.constants)
        parent = values[node.parent]
        if parent is None:
            parent = values[node.parent] = {}
        if node.index is None:
            parent[node.key] = item
        else:
            existing = parent.get(node.key)
            if existing is None:
                parent[node.key] = [item]
            else:
                existing.append(item)
    root = values[0]
    if root is None:
        root = values[0] = {}
    if nodes[0].constants:
        root.update(nodes[0].constants)
    return root


def _static_tree(nodes: Any, number: int, children: dict[int, list[int]]) -> dict[str, Any]:
    """The fixed content of a node without columns: its constants and its (equally fixed) children."""
    node = nodes[number]
    tree: dict[str, Any] = dict(node.constants)
    for child in sorted(children.get(number, []), key=lambda c: (nodes[c].key, nodes[c].index or 0)):
        item = _static_tree(nodes, child, children)
        if nodes[child].index is None:
            tree[nodes[child].key] = item
        else:
            tree.setdefault(nodes[child].key, []).append(item)
    return tree


def _generate_builder(plan: ImportPlan, bound: _Bound) -> Any:
    """Write and compile a row builder for this mapping and header: the payload dict of a row, or None.

    It does what `_build` + `_assemble` do, unrolled: each converter called directly on its cell, the
    nested dict built with known keys, no per-row bookkeeping. It returns None as soon as a converter
    refuses a cell, and the caller takes the generic path, which collects and locates every problem.
    `tests/adapters/csv/test_fastpath.py` checks that both paths build the same payloads.
    """
    nodes = plan.nodes
    children: dict[int, list[int]] = {}
    for number, node in enumerate(nodes[1:], start=1):
        children.setdefault(node.parent, []).append(number)
    namespace: dict[str, Any] = {"MISSING": MISSING, "CellError": CellError, "CACHE": _CACHE_ENTRIES}
    lines = ["def build(fields):", "    try:"]
    assigned: dict[int, list[tuple[str, str, bool]]] = {}  # node -> (key, variable, always present)
    for number, (index, convert, owner, key, default, _label) in enumerate(bound.columns):
        namespace[f"c{number}"] = convert
        if bound.plain[number]:
            lines.append(f"        v{number} = fields[{index}].strip() or MISSING")
        elif bound.repeats[number]:
            # A bounded cache per file (this builder lives as long as one file's read): dates, counts and
            # amounts repeat across rows; nothing personal outlives the file.
            namespace[f"m{number}"] = {}
            lines += [
                f"        cell = fields[{index}]",
                f"        v{number} = m{number}.get(cell)",
                f"        if v{number} is None:",
                f"            v{number} = c{number}(cell) if cell else MISSING",
                f"            if len(m{number}) < CACHE: m{number}[cell] = v{number}",
            ]
        else:
            lines.append(f"        v{number} = c{number}(cell) if (cell := fields[{index}]) else MISSING")
        if default is not MISSING:
            namespace[f"d{number}"] = default
            lines.append(f"        if v{number} is MISSING: v{number} = d{number}")
        assigned.setdefault(owner, []).append((key, f"v{number}", default is not MISSING))
    lines.append("    except CellError:")
    lines.append("        return None")
    for number, (owner, key, default) in enumerate(bound.fills):
        namespace[f"f{number}"] = default
        assigned.setdefault(owner, []).append((key, f"f{number}", True))

    body: list[str] = []
    for number in range(len(nodes) - 1, -1, -1):
        node = nodes[number]
        if number and not node.has_columns:
            continue  # fixed content, added with its parent below
        body.append(f"    n{number} = {{}}")
        for key, variable, always in assigned.get(number, []):
            if always:
                body.append(f"    n{number}[{key!r}] = {variable}")
            else:
                body.append(f"    if {variable} is not MISSING: n{number}[{key!r}] = {variable}")
        live = [c for c in children.get(number, []) if nodes[c].has_columns]
        condition = "True" if number == 0 else " or ".join([f"n{number}", *(f"p{c}" for c in live)])
        body.append(f"    p{number} = {condition}")
        body.append(f"    if p{number}:")
        body.append("        pass")
        lists: dict[str, list[int]] = {}
        for child in children.get(number, []):
            if nodes[child].index is None:
                if nodes[child].has_columns:
                    body.append(f"        if p{child}: n{number}[{nodes[child].key!r}] = n{child}")
                else:
                    namespace[f"s{child}"] = _static_tree(nodes, child, children)
                    body.append(f"        n{number}[{nodes[child].key!r}] = s{child}")
            else:
                lists.setdefault(nodes[child].key, []).append(child)
        for key, items in lists.items():
            body.append("        items = []")
            for child in sorted(items, key=lambda c: nodes[c].index or 0):
                if nodes[child].has_columns:
                    body.append(f"        if p{child}: items.append(n{child})")
                else:
                    namespace[f"s{child}"] = _static_tree(nodes, child, children)
                    body.append(f"        items.append(s{child})")
            body.append(f"        if items: n{number}[{key!r}] = items")
        if node.constants:
            namespace[f"k{number}"] = dict(node.constants)
            body.append(f"        n{number}.update(k{number})")
    body.append("    return n0")
    source = "\n".join(lines + body) + "\n"
    exec(compile(source, f"<csv row builder for {plan.message_type}>", "exec"), namespace)  # noqa: S102 - our own generated code, no input in it
    return namespace["build"]
