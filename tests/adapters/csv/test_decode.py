"""Decoding CSV files: encodings, delimiters, bad rows located by row and column while good rows survive,
whole-file refusals, huge fields, deterministic message ids, constant memory, and no personal data in
any error text."""

from __future__ import annotations

import codecs
import csv
import io
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.csv import CsvAdapter, CsvConfig, detect_delimiter, detect_encoding
from adapters.csv.reader import _safe_message
from adapters.csv.simulator import REGISTRATION_HEADER, registration_rows
from adapters.sdk.errors import Location, MappingError
from schemas import InschrijvingGeregistreerd, Message
from schemas.privacy import personal_values

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

GOOD: dict[str, str] = {
    "Inschrijfnummer": "I-0001",
    "Inschrijfdatum": "01-05-2019",
    "Voornaam": "Noëlle",
    "Tussenvoegsel": "",
    "Achternaam": "Ëlbertsé",
    "Geboortedatum": "14-3-1987",
    "BSN": "111222333",
    "Postcode": "6511 AB",
    "E-mail": "noelle.testpersoon@example.org",
    "Partner voornaam": "",
    "Partner achternaam": "",
    "Partner geboortedatum": "",
    "Gemeentecode": "GM0268",
    "Volwassenen": "1",
    "Kinderen": "2",
    "Inkomen": "31.000,50",
    "Inkomensjaar": "2025",
    "Inkomensbron": "Arbeid",
    "Woonsituatie": "Starter",
}


def row(number: int = 1, **changes: str) -> list[str]:
    values = {**GOOD, "Inschrijfnummer": f"I-{number:04d}"}
    for key, value in changes.items():
        # Keyword names cannot hold spaces or hyphens: Partner_voornaam, E_mail.
        names = [n for n in (key, key.replace("_", " "), key.replace("_", "-")) if n in values]
        if not names:
            raise KeyError(f"no column {key!r}")
        values[names[0]] = value
    return [values[name] for name in REGISTRATION_HEADER]


def csv_bytes(
    rows: list[list[str]],
    *,
    header: tuple[str, ...] | list[str] = REGISTRATION_HEADER,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def make_adapter(mapping: Any = "inschrijvingen") -> CsvAdapter:
    return CsvAdapter(CsvConfig(tenant="corp-a", mapping=mapping))


def decode(
    data: bytes, mapping: Any = "inschrijvingen", source: str = "test.csv"
) -> tuple[list[Message], list[MappingError]]:
    messages: list[Message] = []
    errors: list[MappingError] = []
    for item in make_adapter(mapping).decode_stream(io.BytesIO(data), source=source, occurred_at=MOMENT):
        (errors if isinstance(item, MappingError) else messages).append(item)  # type: ignore[arg-type]
    return messages, errors


def only_error(data: bytes, mapping: Any = "inschrijvingen") -> MappingError:
    messages, errors = decode(data, mapping)
    assert messages == []
    assert len(errors) == 1
    return errors[0]


# --- encodings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("windows-1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_every_encoding_gives_the_same_messages_with_accents_intact(encode: Any) -> None:
    text = csv_bytes([row(1), row(2, Voornaam="Sébastien", Achternaam="Çelik")]).decode("utf-8")
    messages, errors = decode(encode(text))
    assert errors == []
    names = [(m.payload.aanvrager.voornaam, m.payload.aanvrager.achternaam) for m in messages]
    assert names == [("Noëlle", "Ëlbertsé"), ("Sébastien", "Çelik")]
    reference, _ = decode(text.encode("utf-8"))
    assert [m.model_dump() for m in messages] == [m.model_dump() for m in reference]


def test_auto_detection_reports_what_it_chose() -> None:
    text = csv_bytes([row(1)]).decode("utf-8")
    for data, expected in [
        (text.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("windows-1252"), "windows-1252"),
    ]:
        reader = make_adapter().reader(occurred_at=MOMENT)
        assert len(list(reader.read(io.BytesIO(data)))) == 1
        assert reader.encoding == expected


def test_detect_encoding_tolerates_a_character_cut_at_the_end_of_the_sample() -> None:
    sample = "Noëlle".encode()
    assert detect_encoding(sample[:3], complete=False) == "utf-8"  # "No" + half of "ë"
    assert detect_encoding(sample[:3], complete=True) == "windows-1252"
    assert detect_encoding(b"caf\xe9") == "windows-1252"
    assert detect_encoding(codecs.BOM_UTF8 + b"x") == "utf-8-sig"
    assert detect_encoding(b"caf\xe9", "utf-8") == "utf-8"  # the mapping's own choice wins


def test_windows_1252_bytes_after_the_sample_are_located_and_the_rest_survives() -> None:
    """Auto-detection sees only the first 64 KiB; a stray windows-1252 byte further on costs only its row."""
    rows = [row(n) for n in range(1, 1501)]
    data = csv_bytes(rows)
    assert len(data) > 70_000
    marker = b"I-1400;"
    at = data.index(marker)
    line_start = data.index(b"\r\n", at) + 2  # the row after I-1400: I-1401
    bad = data[:line_start] + data[line_start:].replace("Noëlle".encode(), b"No\xebl", 1)
    messages, errors = decode(bad)
    assert len(messages) == 1499
    assert len(errors) == 1
    assert errors[0].location.row == 1401
    assert errors[0].location.line == 1402
    assert errors[0].location.csv_column == "Voornaam"
    assert "not valid utf-8" in errors[0].reason


def test_an_explicit_encoding_is_used_and_a_bom_never_spoils_the_first_column() -> None:
    data = codecs.BOM_UTF8 + csv_bytes([row(1)])
    messages, errors = decode(data, {**_inschrijvingen(), "encoding": "utf-8"})
    assert errors == []
    assert messages[0].payload.id == "I-0001"
    latin = csv_bytes([row(1)], encoding="windows-1252")
    messages, errors = decode(latin, {**_inschrijvingen(), "encoding": "windows-1252"})
    assert messages[0].payload.aanvrager.achternaam == "Ëlbertsé"


def _inschrijvingen() -> dict[str, Any]:
    from adapters.csv.mapping import load_mapping

    return load_mapping("inschrijvingen").model_dump(exclude_defaults=False)


# --- delimiters --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_semicolon_and_comma_files_decode_alike(delimiter: str) -> None:
    data = csv_bytes([row(1), row(2, Inkomen="1.234,56")], delimiter=delimiter)
    if delimiter == ",":
        assert b'"1.234,56"' in data  # a decimal comma in a comma file is quoted
    messages, errors = decode(data)
    assert errors == []
    assert [str(m.payload.inkomen.bedrag) for m in messages] == ["31000.50", "1234.56"]


def test_detect_delimiter_looks_outside_quotes() -> None:
    assert detect_delimiter("a;b;c\r\n") == ";"
    assert detect_delimiter('a,"b;c;d",e\n') == ","
    assert detect_delimiter("a\tb\n") == "\t"
    assert detect_delimiter("alleen\n") == ";"


def test_excels_sep_hint_line_sets_the_delimiter() -> None:
    data = b"sep=,\r\n" + csv_bytes([row(1)], delimiter=",")
    messages, errors = decode(data)
    assert errors == []
    assert messages[0].payload.id == "I-0001"


def test_a_fixed_delimiter_that_does_not_match_refuses_the_file_clearly() -> None:
    error = only_error(csv_bytes([row(1)], delimiter=","), {**_inschrijvingen(), "delimiter": ";"})
    assert "missing required columns" in error.reason
    assert error.location.line == 1


# --- Dutch conventions -------------------------------------------------------------------------------------


def test_dutch_dates_and_amounts_land_in_canonical_form() -> None:
    messages, _ = decode(csv_bytes([row(1, Inschrijfdatum="1-5-2019", Geboortedatum="04-07-1990", Inkomen="41.250")]))
    payload = messages[0].payload
    assert (payload.begindatum.isoformat(), payload.aanvrager.geboortedatum.isoformat()) == ("2019-05-01", "1990-07-04")
    assert str(payload.inkomen.bedrag) == "41250.00"
    assert messages[0].model_dump(mode="json")["payload"]["inkomen"]["bedrag"] == 41250.0


def test_an_empty_optional_object_is_left_out_and_a_half_filled_one_is_located() -> None:
    partner = {"Partner_voornaam": "Sem", "Partner_achternaam": "Jansen", "Partner_geboortedatum": "1-1-1980"}
    messages, errors = decode(
        csv_bytes(
            [
                row(1),
                row(2, Volwassenen="2", **partner),
                row(3, Volwassenen="2", Partner_voornaam="Sem"),
                row(4, **partner),
            ]
        )
    )
    assert messages[0].payload.medeaanvrager is None
    assert messages[1].payload.medeaanvrager is not None
    assert messages[1].payload.medeaanvrager.voornaam == "Sem"
    assert [(e.location.row, e.location.csv_column) for e in errors] == [(3, "Partner achternaam"), (4, "Volwassenen")]
    assert errors[0].reason.startswith("a value is required")
    # Row 4: a rule across fields (the co-applicant counts as an adult), located where the model puts it.
    assert "aantalVolwassenen must count the medeaanvrager too" in errors[1].reason


def test_defaults_fill_empty_cells_and_absent_optional_columns() -> None:
    header = [name for name in REGISTRATION_HEADER if name not in ("Kinderen", "Inkomensbron")]
    values = [dict(zip(REGISTRATION_HEADER, row(1), strict=True))[name] for name in header]
    messages, errors = decode(csv_bytes([values], header=header))
    assert errors == []
    assert messages[0].payload.aantal_kinderen == 0
    assert messages[0].payload.inkomen.bron.code == "ARB"
    messages, _ = decode(csv_bytes([row(2, Kinderen="", Inkomensbron="")]))
    assert (messages[0].payload.aantal_kinderen, messages[0].payload.inkomen.bron.code) == (0, "ARB")


# --- bad rows: located, the others survive -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Postcode", "0123 AB", "not a Dutch postcode"),
        ("Geboortedatum", "31-02-1990", "not an existing date"),
        ("Geboortedatum", "1-1-2999", "a birth date cannot be in the future"),
        ("BSN", "123456789", "this BSN fails the 11-check"),
        ("Inkomen", "-1.000,00", "an amount cannot be negative"),
        ("Inkomen", "1.000,005", "an amount has at most two decimals"),
        ("Inkomen", "12.34", "not a number like 1.234,56"),
        ("Woonsituatie", "Woonboot", "not a value in this column's code table"),
        ("Gemeentecode", "GM9999", "not a value in this column's lookup table"),
        ("Volwassenen", "0", "greater than or equal to 1"),
        ("Inkomensjaar", "1999", "greater than or equal to 2000"),
        ("E-mail", "x" * 201, "at most 200 characters"),
        ("Inschrijfnummer", " ", "a value is required"),
    ],
)
def test_a_bad_cell_is_located_by_row_and_column_and_good_rows_survive(column: str, value: str, reason: str) -> None:
    messages, errors = decode(csv_bytes([row(1), row(2, **{column.replace(" ", "_"): value}), row(3)]))
    assert [m.payload.id for m in messages] == ["I-0001", "I-0003"]
    assert len(errors) == 1
    error = errors[0]
    assert (error.location.row, error.location.line, error.location.csv_column) == (2, 3, column)
    assert reason in error.reason
    assert error.adapter == "csv"
    assert "row 2, column" in str(error)


def test_several_bad_cells_in_one_row_are_one_error_that_names_them_all() -> None:
    _, errors = decode(csv_bytes([row(1, Postcode="bad", Geboortedatum="gisteren", Woonsituatie="?")]))
    assert len(errors) == 1
    assert errors[0].location.csv_column == "Geboortedatum"
    assert "column 'Postcode'" in errors[0].reason
    assert "column 'Woonsituatie'" in errors[0].reason


def test_rows_of_the_wrong_width_are_located() -> None:
    rows = [row(1), row(2)[:-3], [*row(3), "extra", "more"], [*row(4), "", ""], row(5)]
    messages, errors = decode(csv_bytes(rows))
    assert [m.payload.id for m in messages] == ["I-0001", "I-0004", "I-0005"]  # trailing empty fields are fine
    assert [e.location.row for e in errors] == [2, 3]
    assert "has 16 fields but the header has 19" in errors[0].reason
    assert "a delimiter inside an unquoted value?" in errors[1].reason


def test_malformed_quoting_costs_one_row() -> None:
    data = csv_bytes([row(1)]) + b'I-0002;"01-05-2019"x;broken\r\n' + csv_bytes([row(3)]).split(b"\r\n", 1)[1]
    messages, errors = decode(data)
    assert [m.payload.id for m in messages] == ["I-0001", "I-0003"]
    assert errors[0].location.row == 2
    assert errors[0].reason.startswith("malformed CSV")


def test_blank_lines_are_skipped_rows_count_data_and_lines_count_the_file() -> None:
    data = csv_bytes([row(1)]) + b"\r\n\r\n" + csv_bytes([row(2, Postcode="bad")]).split(b"\r\n", 1)[1]
    messages, errors = decode(data)
    assert len(messages) == 1
    assert (errors[0].location.row, errors[0].location.line) == (2, 5)


def test_a_cell_spanning_lines_is_one_record_and_later_line_numbers_stay_true() -> None:
    rows = [row(1, Tussenvoegsel="van\r\nder"), row(2, Geboortedatum="x")]
    _, errors = decode(csv_bytes(rows))
    # A line break in a one-line field is refused by the model; the record still spans lines 2-3.
    assert [(e.location.row, e.location.line, e.location.csv_column) for e in errors] == [
        (1, 2, "Tussenvoegsel"),
        (2, 4, "Geboortedatum"),
    ]


# --- whole-file problems ------------------------------------------------------------------------------------


def test_missing_required_columns_refuse_the_whole_file_and_name_them() -> None:
    header = [name for name in REGISTRATION_HEADER if name not in ("Geboortedatum", "Achternaam")]
    rows = [[c for name, c in zip(REGISTRATION_HEADER, row(n), strict=True) if name in header] for n in (1, 2)]
    error = only_error(csv_bytes(rows, header=header))
    assert error.reason == "missing required columns: 'Achternaam', 'Geboortedatum'"
    assert error.location == Location(line=1)


def test_a_file_without_header_is_refused_without_echoing_its_data() -> None:
    data = csv_bytes([row(2)], header=row(1))
    error = only_error(data)
    assert "is the header line missing?" in error.reason
    assert "Noëlle" not in str(error)
    assert "111222333" not in str(error)


def test_extra_columns_are_ignored_and_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    header = [*REGISTRATION_HEADER, "Opmerking", "Klantnummer"]
    data = csv_bytes([[*row(n), "belt", str(n)] for n in (1, 2, 3)], header=header)
    with caplog.at_level(logging.WARNING, logger="adapters.csv"):
        messages, errors = decode(data)
    assert (len(messages), errors) == (3, [])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "csv import test.csv: ignored 2 columns that are not in the mapping: 'Opmerking', 'Klantnummer'"
    ]


def test_a_mapping_may_refuse_extra_columns() -> None:
    header = [*REGISTRATION_HEADER, "Opmerking"]
    error = only_error(csv_bytes([[*row(1), "x"]], header=header), {**_inschrijvingen(), "extra_columns": "refuse"})
    assert "columns not in the mapping: 'Opmerking'" in error.reason


def test_a_duplicated_mapped_header_is_refused() -> None:
    header = [*REGISTRATION_HEADER, "postcode "]
    error = only_error(csv_bytes([[*row(1), "6511 AB"]], header=header))
    assert "more than once" in error.reason
    assert "'Postcode'" in error.reason


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\r\n\r\n  \r\n"], ids=["empty", "only a BOM", "blank lines"])
def test_an_empty_file_is_a_clear_error(data: bytes) -> None:
    error = only_error(data)
    assert "empty" in error.reason or "no header line" in error.reason


def test_a_header_without_rows_is_no_error() -> None:
    assert decode(csv_bytes([])) == ([], [])


# --- huge fields ---------------------------------------------------------------------------------------------


def test_a_10_mb_field_costs_its_row_only_and_is_never_held_whole() -> None:
    huge = "x" * (10 * 1024 * 1024)
    data = csv_bytes([row(1), row(2, Tussenvoegsel=huge), row(3)])
    messages, errors = decode(data)
    assert [m.payload.id for m in messages] == ["I-0001", "I-0003"]
    assert (errors[0].location.row, errors[0].location.line) == (2, 3)
    assert "longer than 1048576 characters" in errors[0].reason


def test_a_field_over_csvs_field_limit_costs_its_row_only() -> None:
    """Below the line limit but above csv's own field limit (128 KiB): csv.Error, caught per row."""
    big = "y" * 200_000
    messages, errors = decode(csv_bytes([row(1), row(2, Tussenvoegsel=big), row(3)]))
    assert [m.payload.id for m in messages] == ["I-0001", "I-0003"]
    assert errors[0].location.row == 2
    assert "field larger than field limit" in errors[0].reason


# --- idempotent ids ------------------------------------------------------------------------------------------


def test_the_same_file_twice_gives_the_same_message_ids() -> None:
    data = csv_bytes([row(n) for n in range(1, 6)])
    first, _ = decode(data)
    again, _ = decode(data, source="renamed-copy.csv")
    assert [m.message_id for m in first] == [m.message_id for m in again]
    assert len({m.message_id for m in first}) == 5
    assert all(m.correlation_id != m.message_id for m in first)


def test_an_edited_row_is_a_new_message_in_the_same_correlation() -> None:
    before, _ = decode(csv_bytes([row(1), row(2)]))
    after, _ = decode(csv_bytes([row(2), row(1, Inkomen="35.000,00")]))  # reordered, and row 1 edited
    by_id = {m.payload.id: m for m in after}
    assert by_id["I-0002"].message_id == before[1].message_id
    assert by_id["I-0001"].message_id != before[0].message_id
    assert by_id["I-0001"].correlation_id == before[0].correlation_id


def test_without_key_columns_the_file_and_row_number_make_the_id() -> None:
    mapping = {**_inschrijvingen(), "key_columns": []}
    data = csv_bytes([row(1), row(1)])
    first, _ = decode(data, mapping, source="a.csv")
    again, _ = decode(data, mapping, source="a.csv")
    other, _ = decode(data, mapping, source="b.csv")
    assert [m.message_id for m in first] == [m.message_id for m in again]
    assert first[0].message_id != first[1].message_id  # identical rows are still two messages
    assert first[0].message_id != other[0].message_id


def test_decode_of_bytes_is_idempotent_by_content() -> None:
    adapter = make_adapter()
    data = csv_bytes([row(1), row(2)])
    ids = [[m.message_id for m in adapter.decode(data) if isinstance(m, InschrijvingGeregistreerd)] for _ in (1, 2)]
    assert ids[0] == ids[1]
    assert len(ids[0]) == 2


# --- constant memory -----------------------------------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A file that refuses to be read whole and counts how far it has been read."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size is not None, "the whole file was asked for"
        assert size >= 0, "the whole file was asked for"
        assert size <= 1 << 20, "a read of more than 1 MiB at once"
        chunk = self._inner.read(size)
        self.position += len(chunk)
        return chunk


def test_decode_stream_reads_as_it_goes_never_the_whole_file() -> None:
    data = csv_bytes(list(registration_rows(3_000, seed=7)))
    assert len(data) > 3 * (2 * 65_536 + 8_192)
    stream = CountingStream(data)
    decoded = make_adapter().decode_stream(stream)  # type: ignore[arg-type]
    first = next(decoded)
    assert isinstance(first, Message)
    assert stream.position <= 2 * 65_536 + 8_192  # the encoding sample and one buffer, not the file
    rest = sum(1 for _ in decoded)
    assert rest == 2_999
    assert stream.position == len(data)


# --- personal data never in error texts ----------------------------------------------------------------------


def test_no_personal_data_in_any_error_text() -> None:
    """Every kind of bad row with distinctive personal values; no error text may contain any of them."""
    partner = {"Partner_voornaam": "Wilhelmina", "Partner_achternaam": "Oranjeboom"}
    rows = [
        row(1, Voornaam="Ermenegilda", Geboortedatum="31-02-1961", Postcode="0999 QQ"),
        row(2, Achternaam="Krzyzanowski", BSN="987654320"),
        row(3, Inkomen="-48.765,43", E_mail="ermenegilda.geheim@example.org"),
        row(4, Geboortedatum="29-02-2099", Woonsituatie="Kraakpand-Geheim"),
        row(5, Postcode="6511 SS", Gemeentecode="GM4321"),
        row(6, Volwassenen="1", **partner, Partner_geboortedatum="12-12-1950"),
        row(7, BSN="12345678X", Inkomen="48765,431"),
        row(8, Voornaam="Q" * 250),
        [*row(9)[:5], "Verborgen;Waarde"],
    ]
    data = csv_bytes(rows)
    messages, errors = decode(data)
    assert messages == []
    assert len(errors) == len(rows)
    secrets = [
        "Ermenegilda",
        "Krzyzanowski",
        "987654320",
        "48.765,43",
        "48765",
        "ermenegilda.geheim",
        "31-02-1961",
        "29-02-2099",
        "0999",
        "QQ",
        "Kraakpand",
        "GM4321",
        "Wilhelmina",
        "Oranjeboom",
        "12-12-1950",
        "12345678X",
        "QQQQ",
        "Verborgen",
        "6511 SS",
        " SS",
    ]
    for error in errors:
        text = f"{error} {error.reason} {error.location}"
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{text!r} leaks {leaked}"


def test_no_personal_value_of_a_good_row_appears_in_its_neighbours_errors() -> None:
    messages, errors = decode(csv_bytes([row(1), row(2, Postcode="bad"), row(3)]))
    values = {v for m in messages for v in personal_values(m.payload) if len(v) > 3}
    assert values
    assert not any(v in str(e) for e in errors for v in values)


def test_model_messages_that_would_quote_the_input_are_masked() -> None:
    """Custom pydantic errors may format the input into their message (a code, postcode letters)."""
    item = {
        "type": "vera_code",
        "msg": "unknown SOORT code 'GEHEIM'; allowed: A, B",
        "ctx": {"soort": "SOORT", "code": "GEHEIM", "allowed": "A, B"},
    }
    assert _safe_message(item, []) == "unknown SOORT code '…'; allowed: A, B"
    plain = {"type": "value_error", "msg": "Value error, Fenna is wrong", "ctx": {"error": "x"}}
    assert _safe_message(plain, ["Fenna"]) == "Value error, … is wrong"


def test_an_error_in_a_list_item_is_located_even_when_an_earlier_item_was_left_out() -> None:
    """Postcode (item 0) empty, e-mail (item 1) too long: the model sees the e-mail as item 0."""
    _, errors = decode(csv_bytes([row(1, Postcode="", E_mail="x" * 201)]))
    assert errors[0].location.csv_column == "E-mail"
    assert errors[0].location.field == "aanvrager.contactgegevens[1].waarde"


def test_a_sep_hint_line_is_skipped_also_when_the_mapping_fixes_the_delimiter() -> None:
    data = b"sep=;\r\n" + csv_bytes([row(1)])
    messages, errors = decode(data, {**_inschrijvingen(), "delimiter": ";"})
    assert errors == []
    assert [m.payload.id for m in messages] == ["I-0001"]
