"""Export: canonical messages -> CSV the Dutch way, with spreadsheet formula injection neutralised."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

import pytest

from adapters.csv import CsvAdapter, CsvConfig, CsvWriter, load_mapping, neutralise
from adapters.csv.mapping import ExportMapping
from adapters.sdk.errors import MappingError, PermanentError, UnsupportedOperation
from schemas import Message, MessageSource, ToewijzingGedaan
from tests import factories as f
from tests.adapters.csv.cases import EXPORTS, OCCURRED_AT

SOURCE = MessageSource(tenant="woonbrug", system="flow")


def toewijzing(**changes: Any) -> ToewijzingGedaan:
    return ToewijzingGedaan(
        message_id="msg-1",
        correlation_id="c-1",
        source=SOURCE,
        occurred_at=OCCURRED_AT,
        payload=f.toewijzing(**changes),
    )


def read_back(body: bytes, delimiter: str = ";") -> list[dict[str, str]]:
    text = body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def export_adapter(**config: Any) -> CsvAdapter:
    return CsvAdapter(CsvConfig(tenant="corp-a", **config))


# Tab and CR cannot reach an export through the model any more (one-line fields refuse control
# characters); `neutralise` itself still covers them (see test_neutralise).
@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_a_would_be_formula_in_a_text_field_gets_an_apostrophe(trigger: str) -> None:
    value = f"{trigger}SUM(A1:A9)*cmd|' /C calc'!A0"
    rows = read_back(export_adapter().encode(toewijzing(id=value)).body)
    assert rows[0]["Toewijzingnummer"] == "'" + value


def test_harmless_text_and_numbers_we_format_are_left_alone() -> None:
    rows = read_back(export_adapter().encode(toewijzing(id="T-6001", rekeninkomen=31000.5)).body)
    assert rows[0]["Toewijzingnummer"] == "T-6001"
    assert rows[0]["Rekeninkomen"] == "31000,50"
    assert rows[0]["Rekenhuur"] == "675,25"
    assert rows[0]["Huishoudgrootte"] == "2"


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("@SUM(1)") == "'@SUM(1)"
    assert neutralise("Molenstraat 1") == "Molenstraat 1"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"
    assert neutralise("\tSUM(1)") == "'\tSUM(1)"
    assert neutralise("\rSUM(1)") == "'\rSUM(1)"


def test_dutch_formats_in_the_export() -> None:
    message = toewijzing(datum="2026-07-01T22:30:00Z", isOuderenhuishouden=True)
    body = export_adapter().encode(message).body
    assert body.startswith(codecs.BOM_UTF8)
    assert b"\r\n" in body
    row = read_back(body)[0]
    assert row["Datum toewijzing"] == "2-7-2026 00:30"  # local (summer) time, d-m-yyyy
    assert row["Ouderenhuishouden"] == "ja"
    assert row["Passendheid"] == "Passend"  # VERA code PAS through the mapping's table, reversed
    assert row["Berichtnummer"] == "msg-1"


def test_date_styles_time_zone_and_delimiter_are_the_mappings_choice() -> None:
    mapping = load_mapping(
        {
            "direction": "export",
            "message_type": "toewijzing.gedaan",
            "delimiter": ",",
            "decimal_separator": ".",
            "date_style": "yyyy-mm-dd",
            "timezone": "UTC",
            "true_text": "J",
            "false_text": "N",
            "columns": {"Datum": "datum", "Inkomen": "rekeninkomen", "Ouder": "is_ouderenhuishouden"},
        }
    )
    assert isinstance(mapping, ExportMapping)
    body = CsvWriter(mapping).to_bytes([toewijzing(rekeninkomen=1234.5)])
    assert read_back(body, ",") == [{"Datum": "2026-03-14 12:00", "Inkomen": "1234.50", "Ouder": "N"}]


def test_candidate_lists_are_one_row_per_candidate_in_ranking_order() -> None:
    (message,) = EXPORTS["kandidatenlijst"]()
    rows = read_back(export_adapter().encode(message).body)
    assert [r["Positie"] for r in rows] == ["1", "2", "3"]
    assert {r["Publicatie"] for r in rows} == {"P-2001"}
    assert [r["Kinderen"] for r in rows] == ["0", "1", "2"]


def test_many_messages_make_one_file_with_one_header() -> None:
    payload = export_adapter().encode_many([toewijzing(id="T-1"), toewijzing(id="T-2")])
    rows = read_back(payload.body)
    assert [r["Toewijzingnummer"] for r in rows] == ["T-1", "T-2"]
    assert payload.body.count(b"Toewijzingnummer") == 1
    assert payload.content_type == "text/csv; charset=utf-8"
    assert payload.metadata["filename"].startswith("toewijzingen-20260302-")


def test_a_character_the_export_encoding_lacks_is_located() -> None:
    mapping = load_mapping({**load_mapping("toewijzingen").model_dump(), "encoding": "windows-1252"})
    assert isinstance(mapping, ExportMapping)
    writer = CsvWriter(mapping)
    assert "é".encode("windows-1252") in writer.to_bytes([toewijzing(id="T-é")])
    with pytest.raises(MappingError) as caught:
        writer.to_bytes([toewijzing(id="T-1"), toewijzing(id="T-ł")])
    assert (caught.value.location.record, caught.value.location.csv_column) == (2, "Toewijzingnummer")
    assert "T-ł" not in str(caught.value)


def test_types_without_an_export_mapping_and_mixed_batches_are_refused() -> None:
    adapter = export_adapter(exports=["toewijzingen"])
    (lijst,) = EXPORTS["kandidatenlijst"]()
    with pytest.raises(UnsupportedOperation, match=r"no export mapping for kandidatenlijst\.vrijgegeven"):
        adapter.encode(lijst)
    with pytest.raises(PermanentError, match="one message type"):
        export_adapter().encode_many([toewijzing(), lijst])
    with pytest.raises(UnsupportedOperation, match="nothing to encode"):
        adapter.encode_many([])
    writer = adapter.writer_for("toewijzing.gedaan")
    with pytest.raises(UnsupportedOperation, match=r"writes toewijzing\.gedaan"):
        writer.rows(lijst)


def test_an_optional_field_that_is_absent_is_an_empty_cell() -> None:
    rows = read_back(export_adapter().encode(toewijzing()).body)
    assert rows[0]["Uitzondering"] == ""
    assert rows[0]["Doelgroep"] == ""


def test_exports_read_back_as_the_values_they_came_from() -> None:
    messages: list[Message] = EXPORTS["toewijzingen"]()
    rows = read_back(export_adapter().encode_many(messages).body)
    for message, row in zip(messages, rows, strict=True):
        assert isinstance(message, ToewijzingGedaan)
        assert row["Rekenhuur"].replace(",", ".") == f"{message.payload.rekenhuur:.2f}"
        assert row["Eenheidnummer"] == message.payload.eenheid.id
