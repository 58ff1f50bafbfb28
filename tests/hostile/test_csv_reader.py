"""Broken and oversized CSV files: the reader finds its place again after a quoting error, caps records,
fields and files with a clear error, reads UTF-16 by its BOM or refuses it by name, and never makes a
log line or error text longer than 2,000 characters.

Before: a 10 MB quoted value gave 9,871 bogus rejects and lost the valid row after it; an unterminated
quote silently lost the next good rows; a UTF-16 file was read as cp1252 with a misleading error; a
1M-column header became a 10.9 MB log line.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Mapping

import pytest

from adapters.csv.mapping import load_mapping
from adapters.csv.simulator import REGISTRATION_HEADER
from adapters.sdk.errors import MAX_REASON_CHARS
from schemas import Message
from tests.hostile.inputs import csv_file, decode_csv, registration

HEADER = ";".join(REGISTRATION_HEADER)


def raw_row(number: int, **changes: str) -> str:
    """A row as text without csv quoting, so a test can put a broken quote in it."""
    return ";".join(registration(number, **changes))


def text_file(*lines: str) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


def ids(messages: list[Message]) -> list[str]:
    return [m.payload.id for m in messages]


# --- resynchronising after a quoting error ---------------------------------------------------------------


def test_a_10_mb_quoted_value_over_many_lines_is_one_reject_and_the_next_row_is_kept() -> None:
    huge = ("x" * 99 + "\n") * 100_000  # 10 MB in 100,000 lines inside one quoted value
    data = csv_file([registration(1), registration(2, Tussenvoegsel=huge), registration(3), registration(4)])
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001", "I-0003", "I-0004"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)
    # The rows after it keep their true row and line numbers (the value spans lines 3-100,003).
    later, later_errors = decode_csv(
        csv_file([registration(1), registration(2, Tussenvoegsel=huge), registration(3, Postcode="x")])
    )
    assert [(e.location.row, e.location.line) for e in later_errors] == [(2, 3), (3, 100_004)]
    assert ids(later) == ["I-0001"]


def test_a_quoted_value_over_the_record_limit_is_skipped_to_its_end() -> None:
    mapping = {"max_line_chars": 4096}
    value = ("y" * 60 + "\n") * 200  # 12 KB over 200 lines, under csv's field limit, over the record limit
    data = csv_file([registration(1), registration(2, Tussenvoegsel=value), registration(3)])
    messages, errors = decode_csv(data, mapping=_with(mapping))
    assert ids(messages) == ["I-0001", "I-0003"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)
    assert "longer than 4096 characters (lines 3-203)" in error.reason


def test_an_unterminated_quote_costs_its_own_row_only() -> None:
    broken = raw_row(2, Achternaam='"Jansen')  # opens a quoted value that never closes
    data = text_file(raw_row(1), broken, raw_row(3), raw_row(4), raw_row(5))
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001", "I-0003", "I-0004", "I-0005"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)
    assert "never closes" in error.reason
    assert "Jansen" not in str(error)


def test_an_unterminated_quote_before_a_row_with_quoted_values_costs_its_own_row_only() -> None:
    broken = raw_row(2, Achternaam='"Jansen')
    quoted = raw_row(4, Voornaam='"Anne, Marie"')
    data = text_file(raw_row(1), broken, raw_row(3), quoted, raw_row(5))
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001", "I-0003", "I-0004", "I-0005"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)


def test_an_unterminated_quote_with_more_than_the_record_limit_after_it_keeps_the_rows() -> None:
    broken = raw_row(2, Achternaam='"Jansen')
    data = text_file(raw_row(1), broken, *(raw_row(n) for n in range(3, 200)))
    messages, errors = decode_csv(data, mapping=_with({"max_line_chars": 4096}))
    assert ids(messages) == ["I-0001", *(f"I-{n:04d}" for n in range(3, 200))]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)


def test_an_unterminated_quote_on_the_last_row_is_reported() -> None:
    data = text_file(raw_row(1), raw_row(2, Achternaam='"Jansen'))
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)


def test_a_legitimate_multi_line_value_is_still_one_record() -> None:
    data = csv_file([registration(1), registration(2, Voornaam='Anne "Ans"'), registration(3)])
    messages, errors = decode_csv(data)
    assert (ids(messages), errors) == (["I-0001", "I-0002", "I-0003"], [])


def test_text_after_a_closing_quote_on_one_line_is_one_reject() -> None:
    data = text_file(raw_row(1), raw_row(2, Achternaam='"Jan"sen'), raw_row(3))
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001", "I-0003"]
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)


def test_a_stray_quote_inside_an_unquoted_value_is_literal_as_csv_reads_it() -> None:
    data = text_file(raw_row(1, Achternaam='Jan"sen'), raw_row(2))
    messages, errors = decode_csv(data)
    assert errors == []
    assert messages[0].payload.aanvrager.achternaam == 'Jan"sen'


# --- size caps -------------------------------------------------------------------------------------------


def _with(changes: Mapping[str, object]) -> dict[str, object]:
    """The shipped `inschrijvingen` mapping with some settings changed."""
    return {**load_mapping("inschrijvingen").model_dump(), **changes}


def test_the_field_cap_is_configurable_and_names_the_column() -> None:
    data = csv_file([registration(1), registration(2, Tussenvoegsel="v" * 500), registration(3)])
    messages, errors = decode_csv(data, mapping=_with({"max_field_chars": 100}))
    assert ids(messages) == ["I-0001", "I-0003"]
    (error,) = errors
    assert (error.location.row, error.location.csv_column) == (2, "Tussenvoegsel")
    assert "field limit of 100 characters (max_field_chars)" in error.reason


def test_the_file_cap_stops_reading_with_a_clear_error() -> None:
    data = csv_file([registration(n) for n in range(1, 2001)])
    messages, errors = decode_csv(data, mapping=_with({"max_file_bytes": 100_000}))
    assert 0 < len(messages) < 2000
    assert ids(messages) == [f"I-{n:04d}" for n in range(1, len(messages) + 1)]
    (error,) = errors
    assert "larger than the cap of 100,000 bytes (max_file_bytes)" in error.reason
    assert error.location.line is not None


# --- encodings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_read(codec: str) -> None:
    text = csv_file([registration(1, Voornaam="Sébastien"), registration(2)]).decode("utf-8")
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    messages, errors = decode_csv(bom + text.encode(codec))
    assert errors == []
    assert [m.payload.aanvrager.voornaam for m in messages] == ["Sébastien", "Noëlle"]


@pytest.mark.parametrize("declared", ["auto", "windows-1252", "utf-8"])
def test_utf16_without_a_bom_is_refused_by_name(declared: str) -> None:
    data = csv_file([registration(1)]).decode("utf-8").encode("utf-16-le")
    messages, errors = decode_csv(data, mapping=_with({"encoding": declared}))
    assert messages == []
    (error,) = errors
    assert "looks like UTF-16 without a byte-order mark" in error.reason


def test_utf16_with_a_bom_is_refused_when_the_mapping_declares_another_encoding() -> None:
    data = codecs.BOM_UTF16_LE + csv_file([registration(1)]).decode("utf-8").encode("utf-16-le")
    messages, errors = decode_csv(data, mapping=_with({"encoding": "windows-1252"}))
    assert messages == []
    (error,) = errors
    assert "the file is UTF-16 (byte-order mark), but the mapping declares windows-1252" in error.reason


# --- capped log lines and error texts --------------------------------------------------------------------


def test_a_million_column_header_makes_no_huge_log_line_or_error(caplog: pytest.LogCaptureFixture) -> None:
    extra = ";".join(f"c{n}" for n in range(1_000_000))
    data = (HEADER + ";" + extra + "\r\n" + raw_row(1) + ";" * 1_000_000 + "\r\n").encode()
    with caplog.at_level(logging.DEBUG):
        messages, errors = decode_csv(data, mapping=_with({"max_line_chars": 16 * 1_048_576}))
    assert ids(messages) == ["I-0001"]
    assert errors == []
    assert caplog.records
    for record in caplog.records:
        assert len(record.getMessage()) <= MAX_REASON_CHARS + 200
    assert any("more" in record.getMessage() and "1000000 columns" in record.getMessage() for record in caplog.records)

    _, refused = decode_csv(data, mapping=_with({"max_line_chars": 16 * 1_048_576, "extra_columns": "refuse"}))
    (error,) = refused
    assert len(str(error)) <= MAX_REASON_CHARS + 100
    assert ", … and 99" in error.reason


def test_a_stray_quote_closed_by_another_rows_quoted_value_costs_its_own_row_only() -> None:
    # The stray quote of row 2 "closes" at the literal quote ending a value of row 4, followed by a
    # delimiter: well-formed CSV, but one record of the wrong width over lines 3-5.
    broken = raw_row(2, Achternaam='"Jansen')
    quoted = raw_row(4, Voornaam='Anne"')
    data = text_file(raw_row(1), broken, raw_row(3), quoted, raw_row(5))
    messages, errors = decode_csv(data)
    assert ids(messages) == ["I-0001", "I-0003", "I-0004", "I-0005"]
    assert messages[2].payload.aanvrager.voornaam == 'Anne"'
    (error,) = errors
    assert (error.location.row, error.location.line) == (2, 3)
    assert "closes only at line 5" in error.reason


def test_every_adapter_error_reason_is_capped_saying_how_much_was_cut() -> None:
    from adapters.sdk.errors import MappingError, PermanentError

    for error in (MappingError("x" * 1_000_000), PermanentError("y" * 5_000)):
        assert len(error.reason) == MAX_REASON_CHARS
        assert error.reason.endswith("more characters]")
    assert "[cut: 998,0" in MappingError("x" * 1_000_000).reason
    assert MappingError("short").reason == "short"
