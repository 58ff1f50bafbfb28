"""Export: canonical messages -> CSV bytes for a corporation, the mapping idea in reverse.

An export mapping names, per column, the canonical field it shows; the writer formats it the Dutch way
(decimal comma, d-m-yyyy dates, local time, ja/nee, `;`) and writes UTF-8 with a BOM so that a
spreadsheet opens it with accents intact. One message is one row, or with `rows: kandidaten` each item
of that list is a row (a candidate list). Paths starting with `@` read the envelope (`@message_id`),
paths starting with `/` read the payload root from inside a `rows` item (`/publicatie.id`).

Spreadsheet formula injection is neutralised as OWASP advises (`adapters.sdk.spreadsheet.neutralise`):
a text cell a spreadsheet would read as a formula gets a leading apostrophe, so it is shown as text and
never evaluated. Numbers, dates and codes the writer formats itself are left alone: they come from
typed canonical values, not from text anyone typed. A BSN is never exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, get_args, get_origin

from pydantic import BaseModel

from adapters.csv.mapping import (
    ExportMapping,
    FieldTarget,
    definition_error,
    payload_model,
    resolve_path,
    scalar_kind,
    strip_type,
    time_zone,
)
from adapters.sdk.errors import Location, MappingError, UnsupportedOperation
from adapters.sdk.spreadsheet import neutralise
from schemas import MESSAGE_TYPES, Message

__all__ = ["CsvWriter"]


Formatter = Callable[[Any], str]
Getter = Callable[[Message, Any], Any]


@dataclass(frozen=True)
class _Column:
    name: str
    get: Getter
    format: Formatter
    field: str


def _getter(steps: tuple[tuple[str, str, int | None], ...], base: str) -> Getter:
    """Read a path from the envelope (`@`), the payload root (`/`) or the current row item."""

    def get(message: Message, item: Any) -> Any:
        value: Any = message if base == "@" else (message.payload if base == "/" else item)
        for _alias, name, index in steps:
            if value is None:
                return None
            value = getattr(value, name)
            if index is not None:
                value = value[index] if value is not None and index < len(value) else None
        return value

    return get


class CsvWriter:
    """Writes messages of one type as CSV, as its export mapping says. Checked against the model on creation."""

    def __init__(self, mapping: ExportMapping) -> None:
        self.mapping = mapping
        self.message_class = MESSAGE_TYPES[mapping.message_type]
        self._zone = time_zone(mapping.timezone)
        root = payload_model(mapping.message_type)
        self._rows_steps: tuple[tuple[str, str, int | None], ...] | None = None
        row_model: type[BaseModel] = root
        if mapping.rows is not None:
            row_model = self._resolve_rows(root, mapping.rows)
        self.columns = tuple(
            self._column(name, spec.field, spec.codes, root, row_model) for name, spec in mapping.columns.items()
        )
        self.header = [column.name for column in self.columns]
        self.file_prefix = mapping.file_prefix or mapping.message_type.replace(".", "-")

    # --- compiling --------------------------------------------------------------------------------------

    def _resolve_rows(self, root: type[BaseModel], path: str) -> type[BaseModel]:
        # The rows path names a list field; resolve its parent, then look the list up by hand.
        head, _, last = path.rpartition(".")
        try:
            owner = resolve_path(root, head).leaf if head else root
        except ValueError as error:
            raise definition_error(self.mapping, ("rows",), str(error)) from None
        fields = getattr(owner, "model_fields", {})
        match = [(name, info) for name, info in fields.items() if last in (name, info.alias)]
        if not match:
            raise definition_error(self.mapping, ("rows",), f"{path!r} is not a field")
        name, info = match[0]
        annotation = strip_type(info.annotation)
        if get_origin(annotation) is not list:
            raise definition_error(self.mapping, ("rows",), f"{path!r} is not a list")
        item = strip_type(get_args(annotation)[0])
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            raise definition_error(self.mapping, ("rows",), f"{path!r} is not a list of objects")
        steps = (
            (*resolve_path(root, head).steps, (info.alias or name, name, None))
            if head
            else ((info.alias or name, name, None),)
        )
        self._rows_steps = steps
        return item

    def _column(
        self, name: str, path: str, codes: dict[str, str] | None, root: type[BaseModel], row_model: type[BaseModel]
    ) -> _Column:
        where: tuple[str | int, ...] = ("columns", name, "field")
        base = ""
        model: type[BaseModel] = row_model
        if path.startswith("@"):
            base, path, model = "@", path[1:], Message
        elif path.startswith("/"):
            base, path, model = "/", path[1:], root
        try:
            target = resolve_path(model, path)
        except ValueError as error:
            raise definition_error(self.mapping, where, str(error)) from None
        formatter = self._formatter(name, target, codes)
        return _Column(name, _getter(target.steps, base), formatter, (base if base else "") + target.dotted)

    def _formatter(self, name: str, target: FieldTarget, codes: dict[str, str] | None) -> Formatter:
        leaf = target.leaf
        here: tuple[str | int, ...] = ("columns", name)
        kind = scalar_kind(leaf)
        if codes is not None and kind != "code":
            raise definition_error(self.mapping, (*here, "codes"), f"{target.dotted} is not a VERA code list field")
        if kind == "code":
            reverse: dict[str, str] = {}
            for vendor_value, code in (codes or {}).items():
                if code not in leaf._value2member_map_:
                    raise definition_error(
                        self.mapping, (*here, "codes", vendor_value), f"{code!r} is not a {leaf.soort} code"
                    )
                reverse.setdefault(code, vendor_value)  # several vendor values per code: the first is written
            return lambda member: reverse.get(member.code, member.code)
        if kind == "boolean":
            yes, no = self.mapping.true_text, self.mapping.false_text
            return lambda value: yes if value else no
        if kind == "integer":
            return str
        if kind in ("decimal", "float"):
            return self._number
        if kind == "datetime":
            return self._datetime
        if kind == "date":
            return self._date
        if kind == "bsn":
            # A BSN leaves the gateway only where the law asks for it, never in a spreadsheet.
            raise definition_error(self.mapping, (*here, "field"), "a BSN is never exported to CSV")
        if kind == "object":
            raise definition_error(
                self.mapping, (*here, "field"), f"{target.dotted} is an object or list; name one of its fields"
            )
        return lambda value: neutralise(str(value))

    # --- formatting -------------------------------------------------------------------------------------

    def _number(self, value: Decimal | float) -> str:
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        if isinstance(value, float) and ("e" in text or "inf" in text or "nan" in text):
            text = format(value, "f")
        if text.endswith(".0") and isinstance(value, float):
            text = text[:-2]
        return text.replace(".", ",") if self.mapping.decimal_separator == "," else text

    def _date(self, value: date) -> str:
        style = self.mapping.date_style
        if style == "yyyy-mm-dd":
            return value.isoformat()
        if style == "dd-mm-yyyy":
            return f"{value.day:02d}-{value.month:02d}-{value.year}"
        return f"{value.day}-{value.month}-{value.year}"

    def _datetime(self, value: datetime) -> str:
        local = value.astimezone(self._zone)
        text = f"{self._date(local.date())} {local.hour:02d}:{local.minute:02d}"
        return text + f":{local.second:02d}" if local.second else text

    # --- writing ----------------------------------------------------------------------------------------

    def rows(self, message: Message) -> list[list[str]]:
        """The formatted cells of one message: one row, or one per item of the `rows` list."""
        if message.type != self.mapping.message_type:
            raise UnsupportedOperation(
                f"this export mapping writes {self.mapping.message_type}, not {message.type}", adapter="csv"
            )
        items: list[Any] = [message.payload]
        if self._rows_steps is not None:
            found = _getter(self._rows_steps, "/")(message, None)
            items = list(found or [])
        out = []
        for number, item in enumerate(items, start=1):
            row = []
            for column in self.columns:
                try:
                    value = column.get(message, item)
                    row.append("" if value is None else column.format(value))
                except (AttributeError, TypeError, ValueError) as error:
                    raise MappingError(
                        f"cannot write this field ({type(error).__name__})",
                        location=Location(record=number, csv_column=column.name, field=column.field),
                        adapter="csv",
                    ) from error
            out.append(row)
        return out

    def write(self, messages: Iterable[Message], out: BinaryIO) -> int:
        """Stream the header and every message's rows to `out`; returns the number of rows written."""
        text = io.TextIOWrapper(out, encoding=self.mapping.encoding, newline="", write_through=True)
        try:
            writer = csv.writer(text, delimiter=self.mapping.delimiter, lineterminator="\r\n")
            writer.writerow(self.header)
            count = 0
            for rows in self._checked(messages):
                writer.writerows(rows)
                count += len(rows)
            text.flush()
            return count
        finally:
            text.detach()

    def _checked(self, messages: Iterable[Message]) -> Iterator[list[list[str]]]:
        encoding = self.mapping.encoding
        narrow = not encoding.startswith("utf-8")
        for number, message in enumerate(messages, start=1):
            rows = self.rows(message)
            if narrow:
                for row in rows:
                    for column, cell in zip(self.columns, row, strict=True):
                        try:
                            cell.encode(encoding)
                        except UnicodeEncodeError:
                            raise MappingError(
                                f"a character in this field cannot be written in {encoding}",
                                location=Location(record=number, csv_column=column.name, field=column.field),
                                adapter="csv",
                            ) from None
            yield rows

    def to_bytes(self, messages: Iterable[Message]) -> bytes:
        buffer = io.BytesIO()
        self.write(messages, buffer)
        return buffer.getvalue()
