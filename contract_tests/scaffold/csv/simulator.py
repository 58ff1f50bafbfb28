"""A stand-in for the Skeleton system's import directory: a temporary drop folder.

`running()` creates the folder and yields this object, whose `url` is the folder's path (the adapter's
`endpoint_config` turns it into `drop_dir`). The ledger's effects are the CSV files in it: one per
idempotency key, however often a delivery is repeated; `delivered_payloads()` gives their bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["SkeletonDropFolder"]


class SkeletonDropFolder:
    def __init__(self) -> None:
        self.path: Path | None = None

    @property
    def url(self) -> str:
        if self.path is None:
            raise RuntimeError("the drop folder exists only inside `with running():`")
        return str(self.path)

    @property
    def ledger(self) -> SkeletonDropFolder:
        return self

    def effects(self) -> list[str]:
        """The files the Skeleton system would import, by name."""
        if self.path is None:
            return []
        return sorted(p.name for p in self.path.glob("*.csv"))

    def delivered_payloads(self) -> list[bytes]:
        """The bytes of each file delivered, oldest first (the kit compares them with what encode() writes)."""
        if self.path is None:
            return []
        files = sorted(self.path.glob("*.csv"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [p.read_bytes() for p in files]

    @contextmanager
    def running(self) -> Iterator[SkeletonDropFolder]:
        with tempfile.TemporaryDirectory(prefix="skeleton-drop-") as folder:
            self.path = Path(folder)
            try:
                yield self
            finally:
                self.path = None
