"""The drop folder (the corporation's SFTP-like inbox and outbox) and the generated registrations export."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from adapters.csv import CsvAdapter, CsvConfig, DropFolder, registrations_bytes, write_registrations
from adapters.csv.simulator import REGISTRATION_HEADER, registration_rows
from adapters.sdk.errors import MappingError
from schemas import BSN


def test_poll_lists_in_name_order_and_hides_partial_uploads(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    folder.drop("b.csv", b"2")
    folder.drop("a.csv", b"1")
    (folder.inbox / ".c.csv.part").write_bytes(b"uploading")
    (folder.inbox / "d.csv.tmp").write_bytes(b"uploading")
    (folder.inbox / "readme.pdf").write_bytes(b"not ours")
    batch = folder.poll(None)
    assert [f.name for f in batch.files] == ["a.csv", "b.csv"]
    assert batch.cursor == batch.files[-1].cursor
    assert batch.files[0].size == 1


def test_a_cursor_acknowledges_exactly_what_it_covers(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    for name in ("1.csv", "2.csv", "3.csv"):
        folder.drop(name, name.encode())
    batch = folder.poll(None, limit=2)
    assert [f.name for f in batch.files] == ["1.csv", "2.csv"]
    after = folder.poll(batch.files[0].cursor)  # only the first was committed
    assert [f.name for f in after.files] == ["2.csv", "3.csv"]
    assert folder.processed_names() == ["1.csv"]


def test_a_file_reuploaded_under_the_same_name_is_not_acknowledged_by_the_old_cursor(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    folder.drop("export.csv", b"version 1")
    old = folder.poll(None)
    folder.drop("export.csv", b"version 2")  # replaced before the cursor was committed
    after = folder.poll(old.cursor)
    assert [f.name for f in after.files] == ["export.csv"]
    assert after.files[0].path.read_bytes() == b"version 2"
    assert folder.processed_names() == []


def test_a_late_file_with_an_earlier_name_is_still_picked_up(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    folder.drop("2026-03-02.csv", b"x")
    first = folder.poll(None)
    folder.drop("2026-03-01.csv", b"late")
    second = folder.poll(first.cursor)
    assert [f.name for f in second.files] == ["2026-03-01.csv"]


def test_processed_files_with_the_same_name_are_both_kept(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    folder.drop("same.csv", b"one")
    folder.poll(folder.poll(None).cursor)
    folder.drop("same.csv", b"two")
    folder.poll(folder.poll(None).cursor)
    assert len(list(folder.processed.iterdir())) == 2
    assert folder.processed_names() == ["same.csv", "same.csv"]


def test_a_cursor_survives_a_lost_state_file(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    folder.drop("a.csv", b"1")
    folder.drop("b.csv", b"2")
    batch = folder.poll(None)
    (tmp_path / ".poll-state.json").unlink()
    after = DropFolder(tmp_path).poll(batch.cursor)
    assert [f.name for f in after.files] == ["a.csv"]  # only the file the cursor names is acknowledged


def test_deliver_is_idempotent_by_key_with_an_index_file(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    first = folder.deliver(b"a;b\r\n", idempotency_key="k1", name="toewijzingen-1.csv")
    again = folder.deliver(b"a;b\r\n", idempotency_key="k1", name="toewijzingen-1.csv")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert [p.name for p in folder.outbox_files()] == ["toewijzingen-1.csv"]
    index = [json.loads(line) for line in (folder.outbox / ".index.jsonl").read_text().splitlines()]
    assert [(e["key"], e["file"]) for e in index] == [("k1", "toewijzingen-1.csv")]
    assert not [p for p in folder.outbox.iterdir() if p.name.endswith(".tmp")]


def test_deliver_repairs_the_index_after_a_crash_between_file_and_index(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    (folder.outbox / "t-1.csv").write_bytes(b"written before the crash")
    receipt = folder.deliver(b"new body", idempotency_key="k1", name="t-1.csv")
    assert receipt.duplicate
    assert (folder.outbox / "t-1.csv").read_bytes() == b"written before the crash"
    assert folder.delivered() == {"k1": "t-1.csv"}


def test_delivered_files_survive_a_new_folder_object(tmp_path: Path) -> None:
    DropFolder(tmp_path).deliver(b"x", idempotency_key="k9", name="x.csv")
    assert DropFolder(tmp_path).deliver(b"x", idempotency_key="k9", name="x.csv").duplicate


def test_unsafe_names_are_refused(tmp_path: Path) -> None:
    folder = DropFolder(tmp_path)
    for name in ("../evil.csv", ".hidden.csv", "a/b.csv"):
        for call in (
            lambda n=name: folder.drop(n, b""),
            lambda n=name: folder.deliver(b"", idempotency_key="k", name=n),
        ):
            try:
                call()
            except ValueError:
                continue
            raise AssertionError(f"{name} was accepted")


# --- the generated registrations export -------------------------------------------------------------------------


def test_generated_rows_are_deterministic_and_valid() -> None:
    assert list(registration_rows(50, seed=3)) == list(registration_rows(50, seed=3))
    assert list(registration_rows(50, seed=3)) != list(registration_rows(50, seed=4))
    rows = list(registration_rows(500, seed=5))
    assert all(len(r) == len(REGISTRATION_HEADER) for r in rows)
    for bsn in (r[6] for r in rows if r[6]):
        BSN(bsn)  # raises when the 11-check fails
    adapter = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen"))
    decoded = list(adapter.decode(registrations_bytes(500, seed=5)))
    assert not [d for d in decoded if isinstance(d, MappingError)]


def test_spoiled_rows_are_the_only_rejects() -> None:
    adapter = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen"))
    decoded = list(adapter.decode(registrations_bytes(400, seed=5, bad_every=40)))
    assert [d.location.row for d in decoded if isinstance(d, MappingError)] == list(range(40, 401, 40))


def test_write_registrations_streams_to_a_file_in_the_asked_encoding(tmp_path: Path) -> None:
    path = write_registrations(tmp_path / "r.csv", 300, seed=9, encoding="windows-1252", delimiter=",")
    data = path.read_bytes()
    assert data.startswith(b"Inschrijfnummer,")
    assert os.path.getsize(path) == len(data)
    adapter = CsvAdapter(CsvConfig(tenant="corp-a", mapping="inschrijvingen"))
    reader = adapter.reader()
    assert sum(1 for _ in reader.read(io.BytesIO(data))) == 300
    assert (reader.encoding, reader.delimiter) == ("windows-1252", ",")
