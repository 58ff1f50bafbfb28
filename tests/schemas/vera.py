"""Reading VERA's own files for the conformance tests: the Referentiedata CSV and the WRV OpenAPI spec.

Nothing here is copied into the project: the files are read from `../shared/vera` (the `vera_dir`
fixture) at test time.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from contract_tests import vendor_formats

# VERA's "Validatie-regex" for every date-time it declares (stated in the description of each field).
VERA_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")
_VALIDATIE_REGEX = re.compile(r"Validatie-regex: (\S+)")
_VERA_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
SPEC_URI = "urn:vera:wrv:4.3.0"


# --- Referentiedata ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRow:
    soort: str
    code: str
    naam: str
    begin: date | None
    end: date | None
    parent: str = ""  # "SOORT.CODE" of a detail code, empty when VERA names none

    def valid_on(self, day: date) -> bool:
        """VERA's rule: begin inclusive, end exclusive, an empty date is open."""
        return (self.begin is None or self.begin <= day) and (self.end is None or day < self.end)


class UnreadableDate(ValueError):
    """Not d-m-yyyy: VERA's CSV has a few typos (22-11-24, 14-02-205, 31-01-2025.)."""


def parse_vera_date(text: str, where: str) -> date | None:
    """A d-m-yyyy date as VERA writes it; anything else is an UnreadableDate naming where it stands."""
    text = text.strip()
    if not text:
        return None
    match = _VERA_DATE.fullmatch(text)
    if match is None:
        raise UnreadableDate(f"{where}: {text!r} is not a d-m-yyyy date")
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


UNREADABLE: list[str] = []
"""Each unreadable validity date met by `read_referentiedata`, as `SOORT.CODE Column 'text'`; such a bound
is taken as open (the generator does the same and lists them in `schemas.referentiedata.UNREADABLE_DATES`)."""


def _bound(row: dict[str, str], column: str, where: str) -> date | None:
    try:
        return parse_vera_date(row[column], where)
    except UnreadableDate:
        entry = f"{row['Soort']}.{row['Code']} {column} {row[column].strip()!r}"
        if entry not in UNREADABLE:
            UNREADABLE.append(entry)
        return None


def read_referentiedata(path: Path, soorten: set[str]) -> dict[str, list[CodeRow]]:
    """Rows of the code lists in `soorten`, by soort (a code may appear on several rows)."""
    rows: dict[str, list[CodeRow]] = {soort: [] for soort in soorten}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
            if row["Soort"] not in soorten:
                continue
            where = f"{path.name} line {number} ({row['Soort']}.{row['Code']})"
            rows[row["Soort"]].append(
                CodeRow(
                    soort=row["Soort"],
                    code=row["Code"],
                    naam=row["Naam"],
                    begin=_bound(row, "Begindatum", where),
                    end=_bound(row, "Einddatum", where),
                    parent=row["Parent"].strip(),
                )
            )
    return rows


def current_row(rows: list[CodeRow]) -> CodeRow:
    """The row that names a code now: the one valid longest (open end), then the one that began last."""
    return max(rows, key=lambda row: (row.end or date.max, row.begin or date.min))


# --- The WRV OpenAPI spec ------------------------------------------------------------------------------


def load_spec(vera_dir: Path) -> dict[str, Any]:
    with (vera_dir / "WRV-4.3.0.yaml").open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def one_of_as_any_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The contract kit's reading of VERA's `oneOf` (one place for it; see its docstring)."""
    rewritten: dict[str, Any] = vendor_formats.one_of_as_any_of(spec)
    return rewritten


def with_validatie_regex(spec: dict[str, Any]) -> dict[str, Any]:
    rewritten: dict[str, Any] = vendor_formats.with_validatie_regex(spec)
    return rewritten


def format_checker() -> FormatChecker:
    checker: FormatChecker = vendor_formats.vera_format_checker()
    return checker


class VeraSchemas:
    """Validators for `#/components/schemas/<name>` of the WRV spec, with `oneOf` read as `anyOf`."""

    def __init__(self, spec: dict[str, Any], *, strict_one_of: bool = False) -> None:
        prepared = with_validatie_regex(spec if strict_one_of else one_of_as_any_of(spec))
        self.names = set(prepared["components"]["schemas"])
        resource = Resource.from_contents(prepared, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._checker = format_checker()

    def validator(self, name: str) -> Draft202012Validator:
        if name not in self.names:
            raise KeyError(f"VERA has no schema {name!r}")
        return Draft202012Validator(
            {"$ref": f"{SPEC_URI}#/components/schemas/{name}"},
            registry=self._registry,
            format_checker=self._checker,
        )

    def errors(self, name: str, instance: Any) -> list[str]:
        """Every way `instance` breaks VERA's schema `name`, as `path: message` lines (empty when valid)."""
        return [
            f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
            for error in sorted(self.validator(name).iter_errors(instance), key=lambda e: str(list(e.absolute_path)))
        ]


def date_times_in(data: Any) -> list[str]:
    """Every string in a JSON document that looks like a timestamp (`yyyy-mm-ddT...`)."""
    if isinstance(data, dict):
        return [found for value in data.values() for found in date_times_in(value)]
    if isinstance(data, list):
        return [found for value in data for found in date_times_in(value)]
    if isinstance(data, str) and re.match(r"\d{4}-\d{2}-\d{2}T", data):
        return [data]
    return []
