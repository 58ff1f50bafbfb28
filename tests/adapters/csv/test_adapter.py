"""The CsvAdapter as the gateway uses it: discovery, config, importing files with a rejects file, and
polling and delivering through a real drop folder."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest

from adapters import Transport, discover, messages_only
from adapters.csv import CsvAdapter, CsvConfig, DropFolder, MappingDefinitionError, registrations_bytes
from adapters.sdk.errors import MappingError, PermanentError, UnsupportedOperation
from schemas import Message
from tests.adapters.csv.cases import EXPORTS
from tests.adapters.csv.test_decode import MOMENT, csv_bytes, row


def adapter(tmp_path: Path, **config: Any) -> CsvAdapter:
    return CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen", drop_folder=tmp_path / "drop", **config))


def read_rejects(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))


# --- declaration and config ----------------------------------------------------------------------------------


def test_discovered_through_the_entry_point_like_any_vendor_adapter() -> None:
    registry = discover()
    assert registry.get("csv") is CsvAdapter
    described = CsvAdapter.describe()
    assert (described["name"], described["version"]) == ("csv", "1.0.0")
    assert "inschrijving.geregistreerd" in described["capabilities"]["decodes"]
    assert "eenheid.vrijgekomen" in described["capabilities"]["decodes"]
    assert "toewijzing.gedaan" in described["capabilities"]["encodes"]
    assert described["capabilities"]["transports"] == [Transport.FILE_DROP.value]


def test_config_from_settings_with_an_inline_mapping_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_CSV_TENANT", "corp-b")
    inline = {
        "message_type": "inschrijving.geregistreerd",
        "columns": {
            "Nr": "id",
            "Begin": "begindatum",
            "Voornaam": "aanvrager.voornaam",
            "Achternaam": "aanvrager.achternaam",
            "Geboren": "aanvrager.geboortedatum",
            "Volwassenen": "aantal_volwassenen",
            "Inkomen": "inkomen.bedrag",
            "Gemeente": {"field": "gemeente", "lookup": {"0268": {"code": "GM0268", "naam": "Nijmegen"}}},
        },
        "constants": {
            "status": {"code": "LOP"},
            "inkomen.jaar": 2025,
            "inkomen.bron": {"code": "ARB"},
            "woonsituatie.soort": {"code": "STA"},
        },
    }
    csv_adapter = CsvAdapter.from_settings({"mapping": inline})
    assert isinstance(csv_adapter, CsvAdapter)
    data = (
        b"Nr,Begin,Voornaam,Achternaam,Geboren,Volwassenen,Inkomen,Gemeente\n"
        b'X-1,1-1-2020,An,Bos,2-2-1990,1,"20.000,00",0268\n'
    )
    (message,) = messages_only(csv_adapter.decode(data))
    assert message.source.tenant == "corp-b"
    assert message.payload.woonsituatie.soort.code == "STA"
    assert message.payload.gemeente.naam == "Nijmegen"


def test_a_broken_mapping_stops_the_adapter_from_starting() -> None:
    with pytest.raises(MappingDefinitionError) as caught:
        CsvAdapter(
            CsvConfig(tenant="corp-a", mapping={"message_type": "inschrijving.geregistreerd", "columns": {"A": "nope"}})
        )
    assert isinstance(caught.value, PermanentError)
    assert caught.value.path == "columns.A.field"
    with pytest.raises(MappingDefinitionError, match="direction: import"):
        CsvAdapter(CsvConfig(tenant="corp-a", mapping="toewijzingen"))
    with pytest.raises(MappingDefinitionError, match="direction: export"):
        CsvAdapter(CsvConfig(tenant="corp-a", exports=["inschrijvingen"]))


def test_decoding_without_an_import_mapping_is_unsupported() -> None:
    export_only = CsvAdapter(CsvConfig(tenant="corp-a"))
    with pytest.raises(UnsupportedOperation, match="no import mapping"):
        list(export_only.decode(b"a;b\n"))
    # Behind the SDK boundary the same refusal is an error the caller can act on, not a crash.
    with pytest.raises(UnsupportedOperation):
        list(export_only.decode_all(b"a;b\n"))


def test_decode_all_and_decode_stream_agree() -> None:
    csv_adapter = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen"))
    data = csv_bytes([row(1), row(2, Postcode="x"), row(3)])
    from_bytes = list(csv_adapter.decode_all(data))
    assert [type(item).__name__ for item in from_bytes] == [
        "InschrijvingGeregistreerd",
        "MappingError",
        "InschrijvingGeregistreerd",
    ]
    with pytest.raises(MappingError):
        messages_only(from_bytes)


# --- import_file and the rejects file -----------------------------------------------------------------------


def test_import_file_counts_streams_to_the_sink_and_writes_the_rejects_file(tmp_path: Path) -> None:
    path = tmp_path / "export-2026-03-02.csv"
    path.write_bytes(
        csv_bytes([row(1), row(2, Geboortedatum="31-02-1990", Postcode="0000 XX"), row(3), row(4, BSN="123456789")])
    )
    os.utime(path, (MOMENT.timestamp(), MOMENT.timestamp()))
    received: list[Message] = []
    summary = adapter(tmp_path).import_file(path, received.append)
    assert (summary.accepted, summary.rejected, summary.rows, summary.refused) == (2, 2, 4, None)
    assert [m.payload.id for m in received] == ["I-0001", "I-0003"]
    assert all(m.occurred_at == MOMENT for m in received)  # the file's time, so a re-import is identical
    assert summary.rejects_file == tmp_path / "drop" / "rejects" / "export-2026-03-02.csv.rejects.csv"
    lines = read_rejects(summary.rejects_file)
    assert lines[0][:5] == ["rij", "regel", "kolom", "reden", "Inschrijfnummer"]
    # One line per problem: row 2 has two. The corporation's own values follow, for fixing at the source.
    assert [line[:4] for line in lines[1:]] == [
        ["2", "3", "Geboortedatum", "not an existing date"],
        ["2", "3", "Postcode", "not a Dutch postcode like 1234 AB"],
        ["4", "5", "BSN", "this BSN fails the 11-check"],
    ]
    assert lines[1][4:] == row(2, Geboortedatum="31-02-1990", Postcode="0000 XX")
    assert [e.location.row for e in summary.errors] == [2, 4]
    assert (summary.encoding, summary.delimiter) == ("utf-8", ";")


def test_import_file_again_gives_the_same_ids_and_clears_stale_rejects(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([row(1), row(2, Postcode="bad")]))
    csv_adapter = adapter(tmp_path)
    first: list[Message] = []
    summary = csv_adapter.import_file(path, first.append)
    assert summary.rejects_file is not None
    assert summary.rejects_file.exists()
    path.write_bytes(csv_bytes([row(1), row(2)]))  # the corporation fixed row 2 and dropped the file again
    second: list[Message] = []
    again = csv_adapter.import_file(path, second.append)
    assert again.rejects_file is None
    assert not summary.rejects_file.exists()
    assert second[0].message_id == first[0].message_id


def test_a_refused_file_is_in_the_summary_and_the_rejects_file(tmp_path: Path) -> None:
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    sink: list[Message] = []
    summary = adapter(tmp_path).import_file(path, sink.append, rejects_folder=tmp_path / "r")
    assert sink == []
    assert summary.refused is not None
    assert "empty" in summary.refused
    assert (summary.accepted, summary.rejected) == (0, 0)
    assert summary.rejects_file is not None
    assert read_rejects(summary.rejects_file)[1][:3] == ["", "", ""]


def test_extra_column_warnings_reach_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    from adapters.csv.simulator import REGISTRATION_HEADER

    path.write_bytes(csv_bytes([[*row(1), "x"]], header=[*REGISTRATION_HEADER, "Notitie"]))
    summary = adapter(tmp_path).import_file(path)
    assert summary.accepted == 1
    assert summary.warnings == ["ignored 1 columns that are not in the mapping: 'Notitie'"]


# --- the drop folder, for real ------------------------------------------------------------------------------


async def test_poll_imports_dropped_files_in_name_order_and_acknowledges_with_the_cursor(tmp_path: Path) -> None:
    csv_adapter = adapter(tmp_path)
    folder = csv_adapter.drop_folder
    folder.drop("2026-03-02.csv", csv_bytes([row(3), row(4, Postcode="kapot")]))
    folder.drop("2026-03-01.csv", csv_bytes([row(1), row(2)]))
    first = await csv_adapter.poll(None)
    assert [m.payload.id for m in first.messages] == ["I-0001", "I-0002", "I-0003"]
    assert [(e.location.row, e.location.csv_column) for e in first.rejects] == [(2, "Postcode")]
    assert first.cursor is not None
    assert first.cursor.startswith("2026-03-02.csv|")
    assert (tmp_path / "drop" / "rejects" / "2026-03-02.csv.rejects.csv").exists()

    # Not acknowledged yet: a poll with the old cursor (the gateway crashed) gets the same again.
    repeat = await csv_adapter.poll(None)
    assert [m.message_id for m in repeat.messages] == [m.message_id for m in first.messages]

    folder.drop("2026-03-03.csv", csv_bytes([row(5)]))
    second = await csv_adapter.poll(first.cursor)
    assert [m.payload.id for m in second.messages] == ["I-0005"]
    assert sorted(p.name for p in folder.processed.iterdir()) == ["2026-03-01.csv", "2026-03-02.csv"]
    third = await csv_adapter.poll(second.cursor)
    assert (third.messages, third.cursor) == ([], second.cursor)
    assert folder.processed_names() == ["2026-03-01.csv", "2026-03-02.csv", "2026-03-03.csv"]


async def test_deliver_writes_one_outbox_file_per_idempotency_key(tmp_path: Path) -> None:
    csv_adapter = adapter(tmp_path)
    first, second = EXPORTS["toewijzingen"]()
    receipt = await csv_adapter.deliver(first, idempotency_key=first.message_id)
    again = await csv_adapter.deliver(first, idempotency_key=first.message_id)
    other = await csv_adapter.deliver(second, idempotency_key=second.message_id)
    assert (receipt.duplicate, again.duplicate, other.duplicate) == (False, True, False)
    assert again.vendor_reference == receipt.vendor_reference
    files = csv_adapter.drop_folder.outbox_files()
    assert len(files) == 2
    body = (tmp_path / "drop" / "outbox" / str(receipt.vendor_reference)).read_bytes()
    assert body == csv_adapter.encode(first).body
    assert csv_adapter.drop_folder.delivered() == {
        first.message_id: receipt.vendor_reference,
        second.message_id: other.vendor_reference,
    }


async def test_a_sizeable_generated_export_goes_through_the_drop_folder(tmp_path: Path) -> None:
    csv_adapter = adapter(tmp_path)
    csv_adapter.drop_folder.drop("bulk.csv", registrations_bytes(2_000, seed=11, bad_every=100))
    result = await csv_adapter.poll(None)
    assert len(result.messages) == 1_980
    assert len(result.rejects) == 20
    assert len({m.message_id for m in result.messages}) == 1_980


def test_poll_and_deliver_need_a_drop_folder() -> None:
    csv_adapter = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen"))
    with pytest.raises(PermanentError, match="no drop folder"):
        _ = csv_adapter.drop_folder


def test_the_adapter_uses_the_configured_drop_folder(tmp_path: Path) -> None:
    folder = adapter(tmp_path).drop_folder
    assert isinstance(folder, DropFolder)
    assert folder.root == tmp_path / "drop"
