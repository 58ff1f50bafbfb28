"""The corporation's side of a file exchange: an SFTP-like drop folder, and the files a corporation drops.

`DropFolder` is a directory with an `inbox/` (files for Woonbrug), an `outbox/` (files from Woonbrug)
and a `processed/` folder. It is what the csv adapter polls and delivers to, in tests, in the demo and
as a real mounted SFTP folder alike:

- `poll(cursor)` lists the inbox in name order, at least once: a file stays in the inbox until a later
  poll presents a cursor at or past it, which acknowledges it and moves it to `processed/`. The cursor
  is `name|digest` of the last file handed out; the digest makes sure a file re-uploaded under the
  same name is never acknowledged by an older cursor. Files still being uploaded are invisible by
  convention: names starting with `.` or ending in `.part`/`.tmp` are skipped.
- `deliver(body, idempotency_key=..., name=...)` writes one export file to the outbox, once per
  idempotency key: `outbox/.index.jsonl` records every key written, and a key written before is
  acknowledged as a duplicate without a second file (the receiver sees each effect once).

`registration_rows` / `write_registrations` produce a seeded, realistic registrations export (the
shipped `inschrijvingen` mapping reads it), for the demo, the tests and the benchmark.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.sdk.adapter import DeliveryReceipt
from schemas.types import bsn_check_digit

__all__ = [
    "REGISTRATION_HEADER",
    "DropBatch",
    "DropFolder",
    "DroppedFile",
    "registration_rows",
    "registrations_bytes",
    "write_registrations",
]

_STATE = ".poll-state.json"
_PROCESSED_INDEX = ".processed.jsonl"
_OUTBOX_INDEX = ".index.jsonl"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()[:16]


@dataclass(frozen=True)
class DroppedFile:
    """A file in the inbox: its name, where it is, a digest of its content, its size and when it arrived."""

    name: str
    path: Path
    digest: str
    size: int
    modified: datetime

    @property
    def cursor(self) -> str:
        return f"{self.name}|{self.digest}"


@dataclass(frozen=True)
class DropBatch:
    """What one poll found (in name order) and the cursor that acknowledges all of it."""

    files: list[DroppedFile]
    cursor: str | None


class DropFolder:
    """A corporation's drop folder (inbox, outbox, processed), safe to share between threads."""

    def __init__(self, root: Path | str, *, suffixes: tuple[str, ...] = (".csv", ".txt")) -> None:
        self.root = Path(root)
        self.inbox = self.root / "inbox"
        self.outbox = self.root / "outbox"
        self.processed = self.root / "processed"
        self.suffixes = suffixes
        self._lock = threading.Lock()
        for folder in (self.inbox, self.outbox, self.processed):
            folder.mkdir(parents=True, exist_ok=True)

    # --- the corporation's side -------------------------------------------------------------------------

    def drop(self, name: str, data: bytes) -> Path:
        """Put a file in the inbox the way an SFTP client should: upload under a temporary name, rename."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError("a dropped file needs a plain name")
        partial = self.inbox / f".{name}.part"
        partial.write_bytes(data)
        target = self.inbox / name
        partial.replace(target)
        return target

    def outbox_files(self) -> list[Path]:
        """Export files Woonbrug delivered, in name order."""
        return sorted(p for p in self.outbox.iterdir() if p.is_file() and not p.name.startswith("."))

    # --- polling ----------------------------------------------------------------------------------------

    def _visible(self) -> list[Path]:
        return sorted(
            (
                path
                for path in self.inbox.iterdir()
                if path.is_file()
                and not path.name.startswith(".")
                and not path.name.endswith((".part", ".tmp"))
                and path.suffix.lower() in self.suffixes
            ),
            key=lambda path: path.name,
        )

    def poll(self, cursor: str | None, *, limit: int = 100) -> DropBatch:
        """Acknowledge what `cursor` covers (move it to processed/), then list what is left, in name order."""
        with self._lock:
            handed_out = self._load_state()
            if cursor is not None:
                self._acknowledge(cursor, handed_out)
            files = []
            for path in self._visible()[:limit]:
                stat = path.stat()
                files.append(
                    DroppedFile(
                        path.name, path, _digest(path), stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)
                    )
                )
            self._save_state([[f.name, f.digest] for f in files])
            return DropBatch(files, files[-1].cursor if files else cursor)

    def _acknowledge(self, cursor: str, handed_out: list[list[str]]) -> None:
        name, _, digest = cursor.partition("|")
        entries = [tuple(entry) for entry in handed_out]
        # Without a record of the batch (state lost, or an older cursor), only the named file is acknowledged.
        covered = entries[: entries.index((name, digest)) + 1] if (name, digest) in entries else [(name, digest)]
        for file_name, file_digest in covered:
            path = self.inbox / file_name
            if path.is_file() and _digest(path) == file_digest:
                self._move_processed(path, file_digest)

    def _move_processed(self, path: Path, digest: str) -> None:
        target = self.processed / path.name
        if target.exists():
            target = self.processed / f"{path.stem}.{digest}{path.suffix}"
        shutil.move(str(path), target)
        line = {"name": path.name, "digest": digest, "at": datetime.now(UTC).isoformat()}
        with (self.root / _PROCESSED_INDEX).open("a", encoding="utf-8") as index:
            index.write(json.dumps(line) + "\n")

    def processed_names(self) -> list[str]:
        """Names of the files acknowledged so far, in the order they were."""
        path = self.root / _PROCESSED_INDEX
        if not path.exists():
            return []
        return [json.loads(line)["name"] for line in path.read_text(encoding="utf-8").splitlines() if line]

    def _load_state(self) -> list[list[str]]:
        path = self.root / _STATE
        if not path.exists():
            return []
        state: dict[str, list[list[str]]] = json.loads(path.read_text(encoding="utf-8"))
        return state.get("handed_out", [])

    def _save_state(self, handed_out: list[list[str]]) -> None:
        path = self.root / _STATE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"handed_out": handed_out}), encoding="utf-8")
        temporary.replace(path)

    # --- delivering -------------------------------------------------------------------------------------

    def delivered(self) -> dict[str, str]:
        """The outbox index: idempotency key -> file name."""
        path = self.outbox / _OUTBOX_INDEX
        if not path.exists():
            return {}
        entries = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
        return {entry["key"]: entry["file"] for entry in entries}

    def deliver(self, body: bytes, *, idempotency_key: str, name: str) -> DeliveryReceipt:
        """Write `body` as outbox/`name`, once per idempotency key; a repeat is a duplicate, not a second file."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError("an export file needs a plain name")
        with self._lock:
            known = self.delivered()
            if idempotency_key in known:
                return DeliveryReceipt(idempotency_key, vendor_reference=known[idempotency_key], duplicate=True)
            target = self.outbox / name
            temporary = self.outbox / f".{name}.{os.getpid()}.tmp"
            temporary.write_bytes(body)
            try:
                # link() refuses to overwrite: a second process delivering the same file loses cleanly.
                os.link(temporary, target)
                duplicate = False
            except FileExistsError:
                duplicate = True
            finally:
                temporary.unlink()
            # Also after a crash between the file and the index line: the index is repaired here.
            entry = {"key": idempotency_key, "file": name, "at": datetime.now(UTC).isoformat()}
            with (self.outbox / _OUTBOX_INDEX).open("a", encoding="utf-8") as index:
                index.write(json.dumps(entry) + "\n")
            return DeliveryReceipt(idempotency_key, vendor_reference=name, duplicate=duplicate)


# --- a corporation's registrations export ------------------------------------------------------------------

REGISTRATION_HEADER = (
    "Inschrijfnummer",
    "Inschrijfdatum",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "BSN",
    "Postcode",
    "E-mail",
    "Partner voornaam",
    "Partner achternaam",
    "Partner geboortedatum",
    "Gemeentecode",
    "Volwassenen",
    "Kinderen",
    "Inkomen",
    "Inkomensjaar",
    "Inkomensbron",
    "Woonsituatie",
)
"""The columns of the sample registrations export (the shipped `inschrijvingen` mapping reads them)."""

# Fictional names, with the accents Dutch files carry (é, ë, ï, ü) so encodings are exercised.
_FIRST = ("Fenna", "Daan", "Noëlle", "Sem", "Chloë", "Luuk", "Zoë", "Bram", "Anaïs", "Jesse", "Renée", "Thijs")
_PREFIX = ("", "", "", "van", "de", "van der", "van den", "ter")
_LAST = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Brouwer", "Müller", "Çelik")
_GEMEENTEN = ("GM0268", "GM0202", "GM1945", "GM0209", "GM0296", "GM0226", "GM1734", "GM1705")
_BRONNEN = ("Arbeid", "Arbeid", "Arbeid", "Uitkering", "Studiefinanciering", "Anders")
_WOONSITUATIES = ("Starter", "Doorstromer", "Inwonend", "Huurder")


def _bsn(rng: random.Random) -> str:
    while True:
        first = f"{rng.randrange(10_000_000, 100_000_000):08d}"
        check = bsn_check_digit(first)
        if check is not None:
            return first + str(check)


def _postcode(rng: random.Random) -> str:
    while True:
        letters = chr(65 + rng.randrange(26)) + chr(65 + rng.randrange(26))
        if letters not in ("SA", "SD", "SS"):
            return f"{rng.randrange(1000, 10000)}{' ' if rng.random() < 0.5 else ''}{letters}"


def _dmy(day: date, padded: bool) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}" if padded else f"{day.day}-{day.month}-{day.year}"


def _amount(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    grouped = f"{euros:,}".replace(",", ".")
    return f"{grouped},{rest:02d}"


def registration_rows(count: int, seed: int = 2026, *, bad_every: int = 0) -> Iterator[list[str]]:
    """`count` registration rows (no header), the same for the same seed. With `bad_every=n`, every n-th
    row carries one mistake a real export has (bad date, bad postcode, failing BSN, unknown code...)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    base = date(2005, 1, 1)
    for number in range(1, count + 1):
        begin = base + timedelta(days=rng.randrange(7_300))
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(23_000))
        adults = 1 if rng.random() < 0.6 else 2
        row = [
            f"I-{number:07d}",
            _dmy(begin, rng.random() < 0.5),
            rng.choice(_FIRST),
            rng.choice(_PREFIX),
            rng.choice(_LAST),
            _dmy(born, rng.random() < 0.5),
            _bsn(rng) if rng.random() < 0.9 else "",
            _postcode(rng),
            f"woningzoeker{number}@example.org" if rng.random() < 0.7 else "",
            "",
            "",
            "",
            rng.choice(_GEMEENTEN),
            str(adults),
            str(rng.choice((0, 0, 0, 1, 2, 3))),
            _amount(rng.randrange(1_200_000, 6_500_000)),
            "2025",
            rng.choice(_BRONNEN),
            rng.choice(_WOONSITUATIES),
        ]
        if adults == 2:
            partner_born = date(1940, 1, 1) + timedelta(days=rng.randrange(23_000))
            row[9:12] = [rng.choice(_FIRST), rng.choice(_LAST), _dmy(partner_born, True)]
        if bad_every and number % bad_every == 0:
            _spoil(row, rng)
        yield row


def _spoil(row: list[str], rng: random.Random) -> None:
    mistake = rng.randrange(5)
    if mistake == 0:
        row[5] = "31-02-1990"  # no such date
    elif mistake == 1:
        row[7] = "0123 AB"  # postcodes never start with 0
    elif mistake == 2:
        row[6] = "123456789"  # fails the 11-check
    elif mistake == 3:
        row[15] = "-" + row[15]  # a negative income
    else:
        row[18] = "Woonboot"  # not in the code table


def write_registrations(
    path: Path | str,
    count: int,
    seed: int = 2026,
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
    bad_every: int = 0,
) -> Path:
    """Write a registrations export with `count` rows to `path` (streamed; fine for millions of rows)."""
    target = Path(path)
    with target.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(REGISTRATION_HEADER)
        batch: list[list[str]] = []
        for row in registration_rows(count, seed, bad_every=bad_every):
            batch.append(row)
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    return target


def registrations_bytes(count: int, seed: int = 2026, **options: Any) -> bytes:
    """A small registrations export in memory (tests, demo)."""
    encoding = options.pop("encoding", "utf-8")
    delimiter = options.pop("delimiter", ";")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(REGISTRATION_HEADER)
    writer.writerows(registration_rows(count, seed, **options))
    return buffer.getvalue().encode(encoding)
