"""Declarative CSV mappings: the YAML a corporation writes, its pydantic model, and the converters.

A mapping says which message type each CSV row becomes and, per column, which canonical field it
fills and how the vendor's text is read (Dutch dates, decimal commas, postcodes, ja/nee, code tables).
An export mapping says the reverse: which canonical field goes into which column, and how it is written.

```yaml
message_type: inschrijving.geregistreerd
delimiter: auto              # ";" "," or auto (from the header line)
encoding: auto               # utf-8, utf-8-sig, utf-16, windows-1252 or auto (BOM / valid UTF-8 / windows-1252)
max_line_chars: 1048576      # longest record; max_field_chars (131072) and max_file_bytes (2 GiB) cap the rest
key_columns: [Inschrijfnummer]
columns:
  Inschrijfnummer: id                         # shorthand: a column -> a field path, type inferred
  Geboortedatum: {field: aanvrager.geboortedatum, type: date}
  Woonsituatie:  {field: woonsituatie.soort, codes: {Starter: STA, Doorstromer: DOO}}
  Kinderen:      {field: aantal_kinderen, required: false, default: 0}
constants:
  status: {code: LOP}
```

Field paths are relative to the message payload, in Python (`aantal_kinderen`) or VERA
(`aantalKinderen`) spelling; list items take an index (`aanvrager.contactgegevens[0].waarde`).
Everything is checked when the mapping loads, against the canonical model itself: paths exist, code
tables name real VERA codes, constants and defaults validate, every field the model requires is
provided. A mistake is a `MappingDefinitionError` that names the place in the YAML (path and line).

Rules for empty cells: a `required` column must be present in the header (an optional one may be
absent); an empty cell leaves its field out (or takes the column's `default`), and the canonical model
decides whether that field may be missing. An object whose mapped columns are all empty is left out
as a whole (an optional co-applicant with no data is no co-applicant), constants inside it included.
"""

from __future__ import annotations

import itertools
import re
import types
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

import pydantic
import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    TypeAdapter,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from adapters.sdk.errors import PermanentError
from schemas import MESSAGE_TYPES, Message
from schemas.codelist import Codelijst
from schemas.types import BSN, Postcode

__all__ = [
    "DECODABLE",
    "ENCODABLE",
    "MAPPINGS_DIR",
    "MISSING",
    "CellError",
    "ColumnSpec",
    "CompiledColumn",
    "ExportColumnSpec",
    "ExportMapping",
    "FieldTarget",
    "ImportMapping",
    "ImportPlan",
    "MappingDefinitionError",
    "Node",
    "compile_import",
    "load_mapping",
    "resolve_path",
    "scalar_kind",
    "time_zone",
]

MAPPINGS_DIR = Path(__file__).parent / "mappings"
"""The sample mappings shipped with the adapter; a config may name one by its stem (`inschrijvingen`)."""

DECODABLE = frozenset(
    {"inschrijving.geregistreerd", "inschrijving.gewijzigd", "inschrijving.beeindigd", "eenheid.vrijgekomen"}
)
"""Message types a CSV row may become: what corporations export as files (registrations, vacancies)."""

ENCODABLE = frozenset({"toewijzing.gedaan", "kandidatenlijst.vrijgegeven"})
"""Message types the adapter writes as CSV for a corporation (allocations, released candidate lists)."""


class _Missing:
    """The value of an empty cell: distinct from None, which a default may legitimately be."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class CellError(Exception):
    """A cell that its converter cannot read. The reason is fixed text: it never quotes the cell."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MappingDefinitionError(PermanentError):
    """The mapping YAML itself is wrong. `path` is where in the YAML (`columns.Geboortedatum.type`)."""

    def __init__(self, reason: str, *, source: str = "mapping", path: str = "", line: int | None = None) -> None:
        where = source + (f" line {line}" if line is not None else "") + (f" at {path}" if path else "")
        super().__init__(f"{where}: {reason}", adapter="csv")
        self.source = source
        self.path = path
        self.line = line
        self.detail = reason


# --- the YAML model -----------------------------------------------------------------------------------

ConverterName = Literal[
    "text", "integer", "decimal", "date", "datetime", "boolean", "postcode", "bsn", "code", "lookup"
]
DateFormat = Literal["d-m-yyyy", "yyyy-mm-dd"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _shorthand(value: Any) -> Any:
    # `Voornaam: aanvrager.voornaam` is short for `Voornaam: {field: aanvrager.voornaam}`.
    return {"field": value} if isinstance(value, str) else value


class ColumnSpec(_Strict):
    """How one CSV column is read. `type` is inferred from the target field when left out."""

    field: str = Field(min_length=1)
    type: ConverterName | None = None
    required: bool = True
    default: Any = None
    codes: dict[str, str] | None = None
    lookup: dict[str, Any] | None = None
    format: DateFormat | None = None
    description: str = ""

    @property
    def has_default(self) -> bool:
        return "default" in self.model_fields_set and self.default is not None


class _FileMapping(_Strict):
    """What import and export mappings share: columns written in shorthand, and a known time zone."""

    timezone: str = "Europe/Amsterdam"

    # `columns` is declared by each subclass with its own column type.
    @field_validator("columns", mode="before", check_fields=False)
    @classmethod
    def _expand_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {name: _shorthand(spec) for name, spec in value.items()}
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value


class ImportMapping(_FileMapping):
    """A CSV file -> canonical messages, one message per data row."""

    direction: Literal["import"] = "import"
    description: str = ""
    message_type: str
    delimiter: Literal[";", ",", "\t", "|", "auto"] = "auto"
    encoding: Literal["auto", "utf-8", "utf-8-sig", "utf-16", "windows-1252"] = "auto"
    decimal_separator: Literal[",", "."] = ","
    key_columns: list[str] = Field(default_factory=list)
    extra_columns: Literal["warn", "refuse"] = "warn"
    max_line_chars: int = Field(default=1_048_576, ge=1_024, le=64 * 1_048_576)
    """The longest record (a line, or the lines of a quoted value that spans them), in characters."""
    max_field_chars: int = Field(default=131_072, ge=64, le=131_072)
    """The longest value (csv's own field limit, 128 KiB, is the most)."""
    max_file_bytes: int = Field(default=2 * 1024**3, ge=1_024, le=64 * 1024**3)
    """The largest file read; reading stops with a clear refusal past it."""
    columns: dict[str, ColumnSpec] = Field(min_length=1)
    constants: dict[str, Any] = Field(default_factory=dict)

    @field_validator("message_type")
    @classmethod
    def _decodable(cls, value: str) -> str:
        if value not in DECODABLE:
            raise ValueError(f"the csv adapter imports only {', '.join(sorted(DECODABLE))}")
        return value

    @model_validator(mode="after")
    def _columns_are_distinct(self) -> ImportMapping:
        seen: dict[str, str] = {}
        for name in self.columns:
            folded = name.strip().casefold()
            if folded in seen:
                raise ValueError(f"columns {seen[folded]!r} and {name!r} are the same header (case and spaces ignored)")
            seen[folded] = name
        for key in self.key_columns:
            if key not in self.columns:
                raise ValueError(f"key column {key!r} is not one of the mapped columns")
            if not self.columns[key].required:
                raise ValueError(f"key column {key!r} must be required")
        return self


class ExportColumnSpec(_Strict):
    """How one CSV column is written. `codes` is the vendor -> VERA table, read in reverse."""

    field: str = Field(min_length=1)
    codes: dict[str, str] | None = None
    description: str = ""


class ExportMapping(_FileMapping):
    """Canonical messages -> a CSV file; one row per message, or per item of the `rows` list."""

    direction: Literal["export"]
    description: str = ""
    message_type: str
    file_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9_-]*$", max_length=40)
    delimiter: Literal[";", ",", "\t"] = ";"
    encoding: Literal["utf-8", "utf-8-sig", "windows-1252"] = "utf-8-sig"
    decimal_separator: Literal[",", "."] = ","
    date_style: Literal["d-m-yyyy", "dd-mm-yyyy", "yyyy-mm-dd"] = "d-m-yyyy"
    true_text: str = "ja"
    false_text: str = "nee"
    rows: str | None = None
    columns: dict[str, ExportColumnSpec] = Field(min_length=1)

    @field_validator("message_type")
    @classmethod
    def _encodable(cls, value: str) -> str:
        if value not in ENCODABLE:
            raise ValueError(f"the csv adapter exports only {', '.join(sorted(ENCODABLE))}")
        return value


AnyMapping = Annotated[ImportMapping | ExportMapping, Field(discriminator="direction")]
_MAPPING_ADAPTER: TypeAdapter[ImportMapping | ExportMapping] = TypeAdapter(AnyMapping)


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


# --- loading, with errors that say where ----------------------------------------------------------------


def _yaml_line(text: str | None, path: tuple[str | int, ...]) -> int | None:
    """The 1-based line of `path` in the YAML text (the deepest part that exists), for error messages."""
    if text is None:
        return None
    try:
        node: Any = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


def load_mapping(source: str | Path | Mapping[str, Any]) -> ImportMapping | ExportMapping:
    """Read a mapping: a dict, a YAML file path, or the stem of a shipped mapping (`inschrijvingen`).

    Only the structure is checked here; `compile_import` / the writer check it against the model.
    """
    text: str | None = None
    name = "mapping"
    if isinstance(source, Mapping):
        data: Any = dict(source)
    else:
        path = Path(source)
        if not path.suffix and not path.exists() and (MAPPINGS_DIR / f"{path.name}.yaml").is_file():
            path = MAPPINGS_DIR / f"{path.name}.yaml"
        name = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise MappingDefinitionError(
                f"cannot read the mapping file ({type(error).__name__})", source=name
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            line = mark.line + 1 if mark is not None else None
            raise MappingDefinitionError(f"not valid YAML: {error.problem}", source=name, line=line) from None
        except yaml.YAMLError:
            raise MappingDefinitionError("not valid YAML", source=name) from None
    if not isinstance(data, dict):
        raise MappingDefinitionError("a mapping is a YAML object with message_type and columns", source=name)
    data.setdefault("direction", "import")
    try:
        mapping = _MAPPING_ADAPTER.validate_python(data)
    except pydantic.ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        loc = tuple(first["loc"])
        # The discriminated union puts the branch name first; the YAML has no such level.
        if loc and loc[0] in {"import", "export"}:
            loc = loc[1:]
        more = len(error.errors()) - 1
        reason = first["msg"] + (f" (and {more} more problems)" if more else "")
        raise MappingDefinitionError(reason, source=name, path=_dotted(loc), line=_yaml_line(text, loc)) from None
    object.__setattr__(mapping, "_source_name", name)
    object.__setattr__(mapping, "_source_text", text)
    return mapping


def definition_error(
    mapping: ImportMapping | ExportMapping, path: tuple[str | int, ...], reason: str
) -> MappingDefinitionError:
    """A MappingDefinitionError for `path` inside `mapping`, with its YAML line when it came from a file."""
    name: str = getattr(mapping, "_source_name", "mapping")
    text: str | None = getattr(mapping, "_source_text", None)
    return MappingDefinitionError(reason, source=name, path=_dotted(path), line=_yaml_line(text, path))


# --- field paths against the canonical model ------------------------------------------------------------

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([0-9]{1,2})\])?$")


def strip_type(annotation: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` -> X."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is Union or origin is types.UnionType:
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _fields_by_any_name(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    found: dict[str, tuple[str, FieldInfo]] = {}
    for name, info in model.model_fields.items():
        found[name] = (name, info)
        if info.alias:
            found[info.alias] = (name, info)
    return found


@dataclass(frozen=True)
class FieldTarget:
    """A resolved field path: each step as (wire alias, Python name, list index or None), and the leaf type."""

    steps: tuple[tuple[str, str, int | None], ...]
    leaf: Any  # the stripped type of the leaf field
    info: FieldInfo | None  # the leaf field (its metadata carries validators)
    model: type[BaseModel]  # the model that owns the leaf field

    @property
    def alias_path(self) -> tuple[str | int, ...]:
        out: list[str | int] = []
        for alias, _, index in self.steps:
            out.append(alias)
            if index is not None:
                out.append(index)
        return tuple(out)

    @property
    def dotted(self) -> str:
        return ".".join(alias + (f"[{index}]" if index is not None else "") for alias, _, index in self.steps)

    def value_adapter(self) -> TypeAdapter[Any]:
        """Validates a value for this field exactly as the model would (constraints and validators too)."""
        if self.info is None:
            return TypeAdapter(self.leaf)
        annotation: Any = self.info.annotation
        if self.info.metadata:
            # Annotated[...] built at run time carries the field's constraints and validators along.
            annotation = cast(Any, Annotated)[(annotation, *self.info.metadata)]
        return TypeAdapter(annotation)

    def is_postcode(self) -> bool:
        if self.info is None:
            return False
        markers = get_args(Postcode)[1:]
        return any(meta is marker for meta in self.info.metadata for marker in markers)


def resolve_path(model: type[BaseModel], path: str) -> FieldTarget:
    """Resolve a dotted field path against `model`; ValueError says which segment is wrong and why."""
    steps: list[tuple[str, str, int | None]] = []
    current: Any = model
    info: FieldInfo | None = None
    owner: type[BaseModel] = model
    parts = path.split(".")
    for position, part in enumerate(parts):
        match = _SEGMENT.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not a field name (letters, digits, _ and an optional [index])")
        if not _is_model(current):
            raise ValueError(f"{'.'.join(parts[:position])} is not an object; it has no field {part!r}")
        owner = current
        fields = _fields_by_any_name(current)
        name_given, index_text = match.group(1), match.group(2)
        if name_given not in fields:
            known = ", ".join(sorted(n for n in current.model_fields))
            raise ValueError(f"{current.__name__} has no field {name_given!r}; it has: {known}")
        name, info = fields[name_given]
        alias = info.alias or name
        leaf = strip_type(info.annotation)
        index = int(index_text) if index_text is not None else None
        if index is not None:
            if get_origin(leaf) is not list:
                raise ValueError(f"{alias} is not a list; it takes no [index]")
            leaf = strip_type(get_args(leaf)[0])
        steps.append((alias, name, index))
        current = leaf
    if steps[-1][2] is not None:
        raise ValueError(f"{path!r} ends in a list item; an [index] leads on to one of the item's fields")
    return FieldTarget(tuple(steps), current, info, owner)


ScalarKind = Literal["code", "boolean", "integer", "decimal", "float", "datetime", "date", "bsn", "object", "text"]

_DATETIMES = (datetime, AwareDatetime, NaiveDatetime, PastDatetime, FutureDatetime)
_DATES = (date, PastDate, FutureDate)


def scalar_kind(leaf: Any) -> ScalarKind:
    """What kind of value a (stripped) field type holds, for choosing a converter or a formatter."""
    if isinstance(leaf, type) and issubclass(leaf, Codelijst):
        return "code"
    if leaf is bool:
        return "boolean"
    if leaf is int:
        return "integer"
    if leaf is Decimal:
        return "decimal"
    if leaf is float:
        return "float"
    if leaf in _DATETIMES:
        return "datetime"
    if leaf in _DATES:
        return "date"
    if leaf is BSN:
        return "bsn"
    if _is_model(leaf) or get_origin(leaf) is list:
        return "object"
    return "text"


def payload_model(message_type: str) -> type[BaseModel]:
    cls = MESSAGE_TYPES[message_type]
    annotation = strip_type(cls.model_fields["payload"].annotation)
    if not _is_model(annotation):
        raise TypeError(f"{message_type} has no model payload")
    model: type[BaseModel] = annotation
    return model


# --- converters: vendor text -> canonical value ---------------------------------------------------------

Converter = Callable[[str], Any]

_DMY = re.compile(r"^([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})$")
_DMY_TIME = re.compile(r"^([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_AMOUNT_COMMA = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?$")
_AMOUNT_POINT = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
_TRUE = frozenset({"ja", "j", "1", "true", "waar", "yes", "y", "x"})
_FALSE = frozenset({"nee", "n", "0", "false", "onwaar", "no"})
_POSTCODE: TypeAdapter[str] = TypeAdapter(Postcode)


def _text(cell: str) -> Any:
    value = cell.strip()
    return value if value else MISSING


def _integer(cell: str) -> Any:
    value = cell.strip()
    if not value:
        return MISSING
    # int() would also take "1_000" and non-ASCII digits; a vendor file means neither.
    if not value.isascii() or "_" in value:
        raise CellError("not a whole number")
    try:
        return int(value)
    except ValueError:
        raise CellError("not a whole number") from None


def _decimal(separator: str, as_float: bool) -> Converter:
    pattern = _AMOUNT_COMMA if separator == "," else _AMOUNT_POINT
    thousands = "." if separator == "," else ","
    example = "1.234,56" if separator == "," else "1,234.56"
    reason = f"not a number like {example}"
    match = pattern.match

    def convert(cell: str) -> Any:
        value = cell.strip()
        if not value:
            return MISSING
        if value[0] == "€":
            value = value[1:].lstrip()
        if match(value) is None:
            raise CellError(reason)
        plain = value.replace(thousands, "")
        if separator == ",":
            plain = plain.replace(",", ".")
        if as_float:
            return float(plain)
        try:
            return Decimal(plain)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise CellError(reason) from None

    return convert


def _date(fmt: DateFormat) -> Converter:
    if fmt == "yyyy-mm-dd":

        def iso(cell: str) -> Any:
            value = cell.strip()
            if not value:
                return MISSING
            found = _ISO_DATE.match(value)
            if found is None:
                raise CellError("not a date like 2026-03-14")
            try:
                return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                raise CellError("not an existing date") from None

        return iso

    match = _DMY.match

    def dmy(cell: str) -> Any:
        value = cell.strip()
        if not value:
            return MISSING
        found = match(value)
        if found is None:
            raise CellError("not a date like 14-3-2026 (day-month-year)")
        day, _, month, year = found.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise CellError("not an existing date") from None

    return dmy


def _datetime(zone: zoneinfo.ZoneInfo) -> Converter:
    def convert(cell: str) -> Any:
        value = cell.strip()
        if not value:
            return MISSING
        found = _DMY_TIME.match(value)
        if found is not None:
            day, _, month, year, hour, minute, second = found.groups()
            try:
                return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=zone)
            except ValueError:
                raise CellError("not an existing date and time") from None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise CellError("not a date and time like 14-3-2026 09:30") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)

    return convert


def _boolean(cell: str) -> Any:
    value = cell.strip().casefold()
    if not value:
        return MISSING
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError("not a yes/no value (ja/nee, j/n, 1/0, true/false)")


def _postcode(cell: str) -> Any:
    value = cell.strip()
    if not value:
        return MISSING
    try:
        return _POSTCODE.validate_python(value)
    except pydantic.ValidationError:
        raise CellError("not a Dutch postcode like 1234 AB") from None


def _bsn(cell: str) -> Any:
    # Spaces and dots are layout ("1234.56.782"); a spreadsheet drops the leading zero of a BSN
    # stored as a number, so eight digits get it back. The 11-check is the model's (one place).
    value = cell.strip().replace(" ", "").replace(".", "")
    if not value:
        return MISSING
    if not (value.isascii() and value.isdigit()):
        raise CellError("a BSN has only digits")
    if len(value) == 8:
        value = "0" + value
    if len(value) != 9:
        raise CellError("a BSN has nine digits")
    return value


def _table(table: Mapping[str, Any], reason: str) -> Converter:
    exact = dict(table)
    folded = {key.strip().casefold(): value for key, value in table.items()}

    def convert(cell: str) -> Any:
        value = exact.get(cell, MISSING)
        if value is not MISSING:
            return value
        key = cell.strip()
        if not key:
            return MISSING
        value = folded.get(key.casefold(), MISSING)
        if value is MISSING:
            raise CellError(reason)
        return value

    return convert


def _codes(enum: type[Codelijst], table: Mapping[str, Codelijst] | None) -> Converter:
    members: dict[str, Any] = {member.code: member for member in enum}
    if table is None:
        return _table(members, f"not a {enum.soort} code")
    # Vendor values first; VERA's own codes are understood too (a file may already carry them).
    return _table({**members, **table}, "not a value in this column's code table")


# --- the compiled import plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One object in the payload a row builds (the payload itself is node 0)."""

    path: tuple[str | int, ...]  # alias path from the payload root
    parent: int  # index of the parent node (-1 for the root)
    key: str  # the alias under which it sits in its parent
    index: int | None  # its declared list index, when it is a list item
    constants: tuple[tuple[str, Any], ...]  # (alias, validated value) set on every row
    has_columns: bool  # whether any column fills this node or one below it
    anchor: int  # for a node without columns: the nearest ancestor with columns (it lives or dies with it)


@dataclass(frozen=True)
class CompiledColumn:
    name: str
    convert: Converter
    node: int
    key: str
    default: Any  # MISSING when the column has no default
    required: bool
    target: FieldTarget
    kind: ConverterName

    @property
    def plain_text(self) -> bool:
        """Text read as it stands (stripped): simple enough to inline in a generated row builder."""
        return self.convert is _text

    @property
    def repeats(self) -> bool:
        """Whether a file repeats this column's values enough for a per-file cache to pay: dates and
        counts do; amounts, postcodes, names and BSNs mostly do not, and tables are dictionaries already."""
        return self.kind in ("date", "datetime", "integer", "boolean")


@dataclass(frozen=True)
class ImportPlan:
    """A checked import mapping, ready to bind to a file's header and build rows."""

    mapping: ImportMapping
    message_class: type[Message]
    payload_model: type[BaseModel]
    columns: tuple[CompiledColumn, ...]
    nodes: tuple[Node, ...]

    @property
    def message_type(self) -> str:
        return self.mapping.message_type


def _converter_for(
    mapping: ImportMapping, name: str, spec: ColumnSpec, target: FieldTarget
) -> tuple[Converter, ConverterName]:
    here: tuple[str | int, ...] = ("columns", name)
    leaf = target.leaf
    kind: ConverterName | None = spec.type
    if kind is None:
        inferred = scalar_kind(leaf)
        if spec.lookup is not None:
            kind = "lookup"
        elif spec.codes is not None or inferred == "code":
            kind = "code"
        elif inferred == "float":
            kind = "decimal"
        elif inferred == "object":
            raise definition_error(
                mapping,
                (*here, "field"),
                f"{target.dotted} is an object or list; map one of its fields, or give a lookup table",
            )
        elif inferred == "text" and target.is_postcode():
            kind = "postcode"
        else:
            kind = inferred
    if spec.codes is not None and kind != "code":
        raise definition_error(mapping, (*here, "codes"), f"a code table needs type code, not {kind}")
    if spec.lookup is not None and kind != "lookup":
        raise definition_error(mapping, (*here, "lookup"), f"a lookup table needs type lookup, not {kind}")
    if spec.format is not None and kind not in ("date", "datetime"):
        raise definition_error(mapping, (*here, "format"), "format applies to dates only")
    if kind == "code":
        if not (isinstance(leaf, type) and issubclass(leaf, Codelijst)):
            raise definition_error(mapping, (*here, "field"), f"{target.dotted} is not a VERA code list field")
        table: dict[str, Codelijst] | None = None
        if spec.codes is not None:
            table = {}
            for vendor_value, code in spec.codes.items():
                member = leaf._value2member_map_.get(code)
                if member is None:
                    allowed = ", ".join(m.code for m in leaf)
                    raise definition_error(
                        mapping,
                        (*here, "codes", vendor_value),
                        f"{code!r} is not a {leaf.soort} code; allowed: {allowed}",
                    )
                table[vendor_value] = member  # type: ignore[assignment]  # _value2member_map_ holds members
        return _codes(leaf, table), kind
    if kind == "lookup":
        if spec.lookup is None:
            raise definition_error(mapping, here, "type lookup needs a lookup table")
        validate = target.value_adapter().validate_python
        values: dict[str, Any] = {}
        for vendor_value, canonical in spec.lookup.items():
            try:
                values[vendor_value] = validate(canonical)
            except pydantic.ValidationError as error:
                raise definition_error(
                    mapping, (*here, "lookup", vendor_value), f"not a valid {target.dotted}: {_first_message(error)}"
                ) from None
        return _table(values, "not a value in this column's lookup table"), kind
    if kind == "decimal":
        return _decimal(mapping.decimal_separator, as_float=leaf is float), kind
    if kind == "date":
        return _date(spec.format or "d-m-yyyy"), kind
    if kind == "datetime":
        return _datetime(time_zone(mapping.timezone)), kind
    simple: dict[str, Converter] = {
        "text": _text,
        "integer": _integer,
        "boolean": _boolean,
        "postcode": _postcode,
        "bsn": _bsn,
    }
    return simple[kind], kind


def _first_message(error: pydantic.ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _required_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    return [(info.alias or name, info) for name, info in model.model_fields.items() if info.is_required()]


def compile_import(mapping: ImportMapping) -> ImportPlan:
    """Check an import mapping against the canonical model and build its plan; errors name the YAML path."""
    message_class = MESSAGE_TYPES[mapping.message_type]
    model = payload_model(mapping.message_type)

    targets: dict[tuple[str | int, ...], tuple[str, tuple[str | int, ...]]] = {}  # alias path -> (what, YAML path)
    resolved_columns: list[tuple[str, ColumnSpec, FieldTarget]] = []
    for name, spec in mapping.columns.items():
        try:
            target = resolve_path(model, spec.field)
        except ValueError as error:
            raise definition_error(mapping, ("columns", name, "field"), str(error)) from None
        if target.alias_path in targets:
            raise definition_error(
                mapping,
                ("columns", name, "field"),
                f"{target.dotted} is already filled by {targets[target.alias_path][0]}",
            )
        targets[target.alias_path] = (f"column {name!r}", ("columns", name))
        resolved_columns.append((name, spec, target))

    constant_values: list[tuple[FieldTarget, Any]] = []
    for written, value in mapping.constants.items():
        where: tuple[str | int, ...] = ("constants", written)
        try:
            target = resolve_path(model, written)
        except ValueError as error:
            raise definition_error(mapping, where, str(error)) from None
        if target.alias_path in targets:
            raise definition_error(
                mapping, where, f"{target.dotted} is already filled by {targets[target.alias_path][0]}"
            )
        try:
            validated = target.value_adapter().validate_python(value)
        except pydantic.ValidationError as error:
            raise definition_error(mapping, where, f"not a valid {target.dotted}: {_first_message(error)}") from None
        targets[target.alias_path] = (f"constant {written!r}", where)
        constant_values.append((target, validated))

    # Overlaps: a whole object as constant/lookup and a column inside it cannot both fill it.
    paths = sorted(targets)
    for shorter, longer in itertools.pairwise(paths):
        if longer[: len(shorter)] == shorter:
            what, where = targets[longer]
            raise definition_error(
                mapping, where, f"{what} lies inside {targets[shorter][0]}, which fills the whole object"
            )

    # Nodes: every object a leaf sits in, parents before children; list items in descending index order so
    # that the reversed order (used to attach children to parents) appends them ascending.
    node_paths: dict[tuple[str | int, ...], None] = {(): None}
    for path in paths:
        container = _container_of(path)
        for depth in range(1, len(container) + 1):
            # A list field itself is no object; its items are: ("aanvrager",) and ("aanvrager",
            # "contactgegevens", 0) are nodes, ("aanvrager", "contactgegevens") is not.
            if depth == len(container) or isinstance(container[depth], str):
                node_paths.setdefault(container[:depth], None)
    ordered = sorted(node_paths, key=_node_sort_key)

    column_nodes = {_container_of(t.alias_path) for _, _, t in resolved_columns}
    index_of = {path: i for i, path in enumerate(ordered)}
    node_list: list[Node] = []
    for path in ordered:
        has_columns = any(c[: len(path)] == path for c in column_nodes)
        parent_path = _parent_node(path)
        parent = index_of[parent_path] if path else -1
        anchor = -1
        if path and not has_columns:
            walk = parent_path
            while walk and not any(c[: len(walk)] == walk for c in column_nodes):
                walk = _parent_node(walk)
            anchor = index_of[walk]
        key = ""
        index: int | None = None
        if path:
            if isinstance(path[-1], int):
                key, index = str(path[-2]), path[-1]
            else:
                key = str(path[-1])
        constants = tuple(
            (str(t.alias_path[-1]), value) for t, value in constant_values if _container_of(t.alias_path) == path
        )
        node_list.append(Node(path, parent, key, index, constants, has_columns, anchor))

    compiled: list[CompiledColumn] = []
    for name, spec, target in resolved_columns:
        convert, kind = _converter_for(mapping, name, spec, target)
        default: Any = MISSING
        if spec.has_default:
            try:
                default = target.value_adapter().validate_python(spec.default)
            except pydantic.ValidationError as error:
                raise definition_error(
                    mapping, ("columns", name, "default"), f"not a valid {target.dotted}: {_first_message(error)}"
                ) from None
        node = index_of[_container_of(target.alias_path)]
        key = str(target.alias_path[-1])
        compiled.append(CompiledColumn(name, convert, node, key, default, spec.required, target, kind))

    plan = ImportPlan(mapping, message_class, model, tuple(compiled), tuple(node_list))
    _check_required_covered(mapping, plan)
    return plan


def _container_of(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The node a leaf (or node) sits in: its path without its own key and list index."""
    if path and isinstance(path[-1], int):
        path = path[:-1]
    return path[:-1]


def _parent_node(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return _container_of(path)


def _node_sort_key(path: tuple[str | int, ...]) -> tuple[Any, ...]:
    # Depth-first order with parents first; list items with a higher index sort earlier.
    return tuple((0, part) if isinstance(part, str) else (1, -part) for part in path)


def _check_required_covered(mapping: ImportMapping, plan: ImportPlan) -> None:
    """Every field the model requires, in every object the mapping builds, has a column or a constant."""
    filled: dict[tuple[str | int, ...], set[str]] = {}
    for column in plan.columns:
        filled.setdefault(_container_of(column.target.alias_path), set()).add(column.key)
    for node in plan.nodes:
        for alias, _ in node.constants:
            filled.setdefault(node.path, set()).add(alias)
    children: dict[tuple[str | int, ...], set[str]] = {}
    for node in plan.nodes[1:]:
        children.setdefault(plan.nodes[node.parent].path, set()).add(node.key)
    for node in plan.nodes:
        model = _model_at(plan.payload_model, node.path)
        if model is None:
            continue
        have = filled.get(node.path, set()) | children.get(node.path, set())
        for alias, _info in _required_fields(model):
            if alias not in have:
                where = ".".join(str(p) for p in node.path)
                field = f"{where}.{alias}" if where else alias
                raise definition_error(
                    mapping,
                    ("columns",),
                    f"the canonical model requires {field}, but no column or constant provides it",
                )


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not _is_model(current):
            return None
        fields = _fields_by_any_name(current)
        if part not in fields:
            return None
        current = strip_type(fields[part][1].annotation)
        if get_origin(current) is list:
            current = strip_type(get_args(current)[0])
    return current if _is_model(current) else None
