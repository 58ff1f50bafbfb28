"""The mapping YAML and the converters: mistakes in a mapping are found on load and say where they are;
each converter reads the Dutch way and refuses what it cannot read without quoting it."""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from adapters.csv.mapping import (
    MAPPINGS_DIR,
    MISSING,
    CellError,
    ExportMapping,
    ImportMapping,
    MappingDefinitionError,
    compile_import,
    load_mapping,
)
from adapters.csv.writer import CsvWriter
from adapters.sdk.errors import PermanentError
from schemas.referentiedata import WoonsituatieSoort
from schemas.types import Postcode

BASE: dict[str, Any] = {
    "message_type": "inschrijving.geregistreerd",
    "columns": {
        "Nummer": "id",
        "Begin": "begindatum",
        "Voornaam": "aanvrager.voornaam",
        "Achternaam": "aanvrager.achternaam",
        "Geboren": "aanvrager.geboortedatum",
        "Volwassenen": "aantal_volwassenen",
        "Inkomen": "inkomen.bedrag",
        "Jaar": "inkomen.jaar",
        "Situatie": {"field": "woonsituatie.soort", "codes": {"Starter": "STA", "Doorstromer": "DOO"}},
        "Gemeente": {"field": "gemeente", "lookup": {"GM0268": {"code": "GM0268", "naam": "Nijmegen"}}},
    },
    "constants": {"status": {"code": "LOP"}, "inkomen.bron": {"code": "ARB"}},
}


def mapping_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key == "columns":
            data["columns"].update(value)
        else:
            data[key] = value
    return data


def converter(column: str, data: dict[str, Any] | None = None) -> Any:
    plan = compile_import(_import(data or BASE))
    return next(c for c in plan.columns if c.name == column).convert


def _import(data: dict[str, Any]) -> ImportMapping:
    mapping = load_mapping(data)
    assert isinstance(mapping, ImportMapping)
    return mapping


# --- shipped mappings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(MAPPINGS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_mapping_loads_and_checks_against_the_model(path: Path) -> None:
    mapping = load_mapping(path)
    if isinstance(mapping, ImportMapping):
        plan = compile_import(mapping)
        assert plan.columns
    else:
        assert isinstance(mapping, ExportMapping)
        assert CsvWriter(mapping).header


def test_a_shipped_mapping_is_found_by_its_stem() -> None:
    assert load_mapping("inschrijvingen").message_type == "inschrijving.geregistreerd"
    assert load_mapping("eenheden").message_type == "eenheid.vrijgekomen"


# --- mistakes in a mapping: reported with their path (and line in a file) -----------------------------------


def load_and_compile(source: Any) -> None:
    mapping = load_mapping(source)
    assert isinstance(mapping, ImportMapping)
    compile_import(mapping)


def expect_definition_error(data: dict[str, Any]) -> MappingDefinitionError:
    with pytest.raises(MappingDefinitionError) as caught:
        load_and_compile(data)
    assert isinstance(caught.value, PermanentError)  # a person must fix it; retrying will not help
    return caught.value


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [
        ({"columns": {"Geboren": "aanvrager.geboortedag"}}, "columns.Geboren.field", "has no field 'geboortedag'"),
        ({"columns": {"Voornaam": "aanvrager.voornaam.x"}}, "columns.Voornaam.field", "is not an object"),
        (
            {"columns": {"Situatie": {"field": "woonsituatie.soort", "codes": {"Starter": "XYZ"}}}},
            "columns.Situatie.codes.Starter",
            "not a WOONSITUATIESOORT code",
        ),
        (
            {"columns": {"Geboren": {"field": "aanvrager.geboortedatum", "type": "datum"}}},
            "columns.Geboren.type",
            "Input",
        ),
        ({"message_type": "toewijzing.gedaan"}, "message_type", "imports only"),
        ({"key_columns": ["Onbekend"]}, "", "key column 'Onbekend'"),
        ({"columns": {"Tweede": "aanvrager.voornaam"}}, "columns.Tweede.field", "already filled by column 'Voornaam'"),
        ({"constants": {"status": {"code": "NOPE"}}}, "constants.status", "not a valid status"),
        (
            {"columns": {"Jaar": {"field": "inkomen.jaar", "required": False, "default": "vorig jaar"}}},
            "columns.Jaar.default",
            "not a valid",
        ),
        ({"columns": {"Persoon": "medeaanvrager"}}, "columns.Persoon.field", "is an object or list"),
        (
            {
                "columns": {
                    "Gemeente": {"field": "gemeente", "lookup": {"GM0268": {"code": "0268", "naam": "Nijmegen"}}}
                }
            },
            "columns.Gemeente.lookup.GM0268",
            "not a valid gemeente",
        ),
        (
            {"columns": {"Voornaam": {"field": "aanvrager.voornaam", "format": "d-m-yyyy"}}},
            "columns.Voornaam.format",
            "dates only",
        ),
        (
            {"columns": {"Voornaam": {"field": "aanvrager.voornaam", "type": "text", "codes": {"a": "b"}}}},
            "columns.Voornaam.codes",
            "needs type code",
        ),
        (
            {"columns": {"Voornaam": {"field": "aanvrager.voornaam", "codes": {"a": "b"}}}},
            "columns.Voornaam.field",
            "not a VERA code list",
        ),
        ({"timezone": "Europe/Nergens"}, "timezone", "unknown time zone"),
        ({"columns": {"Kinderen": "aanvrager.contactgegevens[0]"}}, "columns.Kinderen.field", "ends in a list item"),
        ({"columns": {"Kinderen": "aantal_kinderen[0].x"}}, "columns.Kinderen.field", "is not a list"),
    ],
)
def test_a_mapping_mistake_names_its_place(changes: dict[str, Any], path: str, fragment: str) -> None:
    error = expect_definition_error(mapping_with(**changes))
    assert error.path == path
    assert fragment in error.detail


def test_a_field_the_model_requires_but_nothing_fills_is_found_on_load() -> None:
    data = mapping_with()
    del data["columns"]["Jaar"]
    error = expect_definition_error(data)
    assert "requires inkomen.jaar" in error.detail


def test_a_constant_inside_an_object_a_lookup_fills_is_refused() -> None:
    error = expect_definition_error(mapping_with(constants={**BASE["constants"], "gemeente.naam": "Arnhem"}))
    assert error.path == "constants.gemeente.naam"
    assert "inside column 'Gemeente'" in error.detail


def test_a_mistake_in_a_yaml_file_names_its_line(tmp_path: Path) -> None:
    text = (MAPPINGS_DIR / "inschrijvingen.yaml").read_text(encoding="utf-8")
    broken = text.replace("woonsituatie.soort", "woonsituatie.sort")
    path = tmp_path / "corp.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(MappingDefinitionError) as caught:
        load_and_compile(path)
    expected_line = broken.splitlines().index("  Woonsituatie:") + 1
    assert caught.value.path == "columns.Woonsituatie.field"
    assert caught.value.line == expected_line + 1  # the `field:` line below the column name
    assert f"corp.yaml line {expected_line + 1} at columns.Woonsituatie.field" in str(caught.value)


def test_invalid_yaml_syntax_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("message_type: inschrijving.geregistreerd\ncolumns:\n  A: {field: x[0].y, type: text}\n")
    with pytest.raises(MappingDefinitionError) as caught:
        load_mapping(path)
    assert caught.value.line == 3
    assert "not valid YAML" in caught.value.detail


def test_a_missing_file_and_a_non_object_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(MappingDefinitionError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "nope.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(MappingDefinitionError, match="a mapping is a YAML object"):
        load_mapping(tmp_path / "list.yaml")


def test_export_mapping_mistakes_name_their_place() -> None:
    data = {
        "direction": "export",
        "message_type": "toewijzing.gedaan",
        "columns": {"Passendheid": {"field": "passendheidsoort", "codes": {"Passend": "PASS"}}},
    }
    mapping = load_mapping(data)
    assert isinstance(mapping, ExportMapping)
    with pytest.raises(MappingDefinitionError) as caught:
        CsvWriter(mapping)
    assert caught.value.path == "columns.Passendheid.codes.Passend"
    whole = load_mapping({**data, "columns": {"Eenheid": "eenheid"}})
    assert isinstance(whole, ExportMapping)
    with pytest.raises(MappingDefinitionError, match="an object or list"):
        CsvWriter(whole)
    with pytest.raises(MappingDefinitionError, match="exports only"):
        load_mapping({**data, "message_type": "inschrijving.geregistreerd"})


# --- converters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("14-3-2026", date(2026, 3, 14)),
        ("14-03-2026", date(2026, 3, 14)),
        ("01-12-1987", date(1987, 12, 1)),
        (" 1-1-2000 ", date(2000, 1, 1)),
        ("14/03/2026", date(2026, 3, 14)),
        ("", MISSING),
        ("   ", MISSING),
    ],
)
def test_dutch_dates(cell: str, expected: Any) -> None:
    assert converter("Begin")(cell) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2026-03-14", "not a date like 14-3-2026"),
        ("14-3-26", "not a date like"),
        ("14-03/2026", "not a date like"),
        ("31-02-2026", "not an existing date"),
        ("0-1-2026", "not an existing date"),
        ("14 maart 2026", "not a date like"),
    ],
)
def test_dates_that_are_not_dutch_dates_are_refused_without_quoting(cell: str, reason: str) -> None:
    with pytest.raises(CellError) as caught:
        converter("Begin")(cell)
    assert reason in caught.value.reason
    assert cell.strip() not in caught.value.reason


def test_iso_dates_when_the_mapping_says_so() -> None:
    data = mapping_with(columns={"Begin": {"field": "begindatum", "format": "yyyy-mm-dd"}})
    assert converter("Begin", data)("2026-03-14") == date(2026, 3, 14)
    with pytest.raises(CellError):
        converter("Begin", data)("14-3-2026")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("31.000", Decimal("31000")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("12", Decimal("12")),
        ("-5,00", Decimal("-5.00")),
        ("€ 1.234,56", Decimal("1234.56")),
        ("0,5", Decimal("0.5")),
    ],
)
def test_decimal_comma_amounts(cell: str, expected: Decimal) -> None:
    assert converter("Inkomen")(cell) == expected


@pytest.mark.parametrize("cell", ["1,234.56", "12.34", "1.23,4", "1.2345,00", "abc", "1,2,3", "12,", "٣"])
def test_amounts_that_are_not_dutch_are_refused(cell: str) -> None:
    with pytest.raises(CellError, match=r"not a number like 1\.234,56"):
        converter("Inkomen")(cell)


def test_decimal_point_when_the_mapping_says_so() -> None:
    data = mapping_with(decimal_separator=".")
    assert converter("Inkomen", data)("1,234.56") == Decimal("1234.56")
    with pytest.raises(CellError, match=r"1,234\.56"):
        converter("Inkomen", data)("1.234,56")


def test_float_fields_get_floats() -> None:
    plan = compile_import(_import(load_mapping("eenheden").model_dump()))
    area = next(c for c in plan.columns if c.name == "Oppervlakte").convert
    assert area("68,5") == 68.5
    assert isinstance(area("52"), float)


@pytest.mark.parametrize(("cell", "expected"), [("3", 3), (" 12 ", 12), ("-1", -1), ("+2", 2)])
def test_integers(cell: str, expected: int) -> None:
    assert converter("Volwassenen")(cell) == expected


@pytest.mark.parametrize("cell", ["2,0", "twee", "1_000", "١"])
def test_non_integers_are_refused(cell: str) -> None:
    with pytest.raises(CellError, match="whole number"):
        converter("Volwassenen")(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ja", True),
        ("Ja", True),
        ("J", True),
        ("1", True),
        ("true", True),
        ("nee", False),
        ("N", False),
        ("0", False),
        ("FALSE", False),
        ("", MISSING),
    ],
)
def test_booleans(cell: str, expected: Any) -> None:
    data = mapping_with(columns={"Lift": {"field": "aanvrager.bsn", "type": "boolean", "required": False}})
    assert converter("Lift", data)(cell) == expected
    with pytest.raises(CellError, match="yes/no"):
        converter("Lift", data)("misschien")


POSTCODES = [
    "6511 AB",
    "6511ab",
    " 6511AB ",
    "1000 aa",
    "9999 ZZ",
    "0123 AB",
    "6511 SA",
    "6511 SS",
    "651 AB",
    "6511-AB",
    "6511 A",
    "65111 AB",
    "6511 ABC",
    "ABCD EF",
]


@pytest.mark.parametrize("cell", POSTCODES)
def test_postcode_converter_agrees_with_the_canonical_postcode_type(cell: str) -> None:
    """The converter (used where the model holds plain text) decides exactly as the model's Postcode type."""
    data = mapping_with(
        columns={"Postcode": {"field": "aanvrager.contactgegevens[0].waarde", "type": "postcode"}},
        constants={**BASE["constants"], "aanvrager.contactgegevens[0].soort": {"code": "POS"}},
    )
    convert = converter("Postcode", data)
    try:
        expected = TypeAdapter(Postcode).validate_python(cell)
    except ValidationError:
        with pytest.raises(CellError, match="not a Dutch postcode"):
            convert(cell)
    else:
        assert convert(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("111222333", "111222333"), ("11122233", "011122233"), ("1112.22.333", "111222333"), ("111 222 333", "111222333")],
)
def test_bsn_layout_is_normalised_and_a_dropped_leading_zero_restored(cell: str, expected: str) -> None:
    data = mapping_with(columns={"BSN": {"field": "aanvrager.bsn", "required": False}})
    assert converter("BSN", data)(cell) == expected


@pytest.mark.parametrize("cell", ["11122233a", "1234567", "1112223334"])
def test_bsns_of_the_wrong_shape_are_refused(cell: str) -> None:
    data = mapping_with(columns={"BSN": {"field": "aanvrager.bsn", "required": False}})
    with pytest.raises(CellError) as caught:
        converter("BSN", data)(cell)
    assert cell not in caught.value.reason


def test_code_tables_match_case_and_space_insensitively_and_accept_vera_codes() -> None:
    convert = converter("Situatie")
    assert convert("Starter") is WoonsituatieSoort.STA
    assert convert(" doorstromer ") is WoonsituatieSoort.DOO
    assert convert("STA") is WoonsituatieSoort.STA
    with pytest.raises(CellError, match="code table") as caught:
        convert("Woonboot")
    assert "Woonboot" not in caught.value.reason


def test_a_code_column_without_table_takes_vera_codes_only() -> None:
    data = mapping_with(columns={"Situatie": "woonsituatie.soort"})
    convert = converter("Situatie", data)
    assert convert("DOO") is WoonsituatieSoort.DOO
    with pytest.raises(CellError, match="not a WOONSITUATIESOORT code"):
        convert("Doorstromer")


def test_lookup_tables_give_validated_objects() -> None:
    value = converter("Gemeente")("GM0268")
    assert (value.code, value.naam) == ("GM0268", "Nijmegen")
    with pytest.raises(CellError, match="lookup table"):
        converter("Gemeente")("GM0001")


def test_datetimes_are_read_in_the_mappings_time_zone() -> None:
    data = mapping_with(columns={"Begin": {"field": "begindatum", "type": "datetime"}})
    convert = converter("Begin", data)
    assert convert("14-3-2026 09:30") == datetime(2026, 3, 14, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert convert("2026-03-14T09:30:00+00:00") == datetime.fromisoformat("2026-03-14T09:30:00+00:00")
    with pytest.raises(CellError):
        convert("14-3-2026 25:00")
    with pytest.raises(CellError):
        convert("morgen")


def test_types_are_inferred_from_the_canonical_model() -> None:
    plan = compile_import(_import(BASE))
    convert = {c.name: c.convert for c in plan.columns}
    assert convert["Volwassenen"]("2") == 2
    assert convert["Begin"]("1-2-2020") == date(2020, 2, 1)
    assert convert["Inkomen"]("1,5") == Decimal("1.5")
    assert convert["Voornaam"]("  Fenna ") == "Fenna"
