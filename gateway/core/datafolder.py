"""The data folder's server lock: a running `woonbrug serve` says so in `<data folder>/server.lock`.

The lock is an OS file lock (flock) held for the server's lifetime, with the server's pid, address and
database written into the file. A crashed server's lock file is left behind but no longer locked, so it
is never mistaken for a running one. `woonbrug demo` refuses to replace a database a server is serving,
and `woonbrug status` reports who holds the folder.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["LOCK_FILE_NAME", "LockHeld", "RunningServer", "ServerLock", "running_server"]

LOCK_FILE_NAME = "server.lock"


@dataclass(frozen=True)
class RunningServer:
    """What a server writes into its lock file (no secrets: the database URL is redacted by the caller)."""

    pid: int
    address: str
    database: str
    started: str

    def describe(self) -> str:
        return f"pid {self.pid}, {self.address}, since {self.started}"


class LockHeld(RuntimeError):
    def __init__(self, folder: Path, holder: RunningServer | None) -> None:
        self.folder, self.holder = folder, holder
        who = holder.describe() if holder else "another process"
        super().__init__(f"a woonbrug server is already serving the data folder {folder} ({who})")


def _read(handle: IO[str]) -> RunningServer | None:
    handle.seek(0)
    try:
        data: Any = json.loads(handle.read() or "null")
        return RunningServer(**data) if isinstance(data, dict) else None
    except (ValueError, TypeError):
        return None


class ServerLock:
    """Held by a running server; `acquire` fails with `LockHeld` when another process holds it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE_NAME
        self._handle: IO[str] | None = None

    def acquire(self, *, address: str, database: str, started: str) -> ServerLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            holder = _read(handle)
            handle.close()
            raise LockHeld(self.folder, holder) from error
        handle.seek(0)
        handle.truncate()
        record = RunningServer(pid=os.getpid(), address=address, database=database, started=started)
        handle.write(json.dumps(asdict(record)))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        self.path.unlink(missing_ok=True)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> ServerLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def running_server(folder: Path) -> RunningServer | None:
    """The server holding `folder`'s lock, or None (no lock file, or one a stopped server left behind)."""
    path = folder / LOCK_FILE_NAME
    try:
        handle = path.open("r", encoding="utf-8")
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(handle) or RunningServer(pid=0, address="?", database="?", started="?")
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
