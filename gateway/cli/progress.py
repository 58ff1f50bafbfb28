"""Progress of long commands on stderr: a rich bar on a terminal, plain lines when stderr is piped.

The form follows where stderr goes, not stdout: a person at a terminal sees a live bar (rich, with
rate and time left); a log file or CI gets a plain line now and then, each ending in a newline, never
the carriage-return tricks a file cannot show. Commands may switch progress off (`enabled=False`), for
example when their own output streams to the same terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import BinaryIO, TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.status import Status

__all__ = ["PLAIN_EVERY_SECONDS", "Progress", "Steps"]

PLAIN_EVERY_SECONDS = 5.0  # how often a piped stderr gets a progress line


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Progress through a file being read (by bytes), with a count of records."""

    def __init__(
        self,
        stream: BinaryIO,
        total: int,
        enabled: bool = True,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.count = 0
        self._clock = clock
        self._last = clock()
        self._bar: RichProgress | None = None
        self._task = TaskID(0)
        on_terminal = _is_terminal(sys.stderr) if terminal is None else terminal
        if enabled and on_terminal:
            bar = RichProgress(
                TextColumn("{task.fields[records]:>10,} records"),
                BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            bar.start()
            self._task = bar.add_task("import", total=self.total, records=0)
            self._bar = bar

    def _done_bytes(self) -> int:
        return self.stream.tell() if self.stream.seekable() else 0

    def tick(self) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self._done_bytes(), records=self.count)
            return
        now = self._clock()
        if now - self._last >= PLAIN_EVERY_SECONDS:
            self._last = now
            click.echo(f"{100.0 * self._done_bytes() / self.total:5.1f}%  {self.count:,} records", err=True)

    def echo(self, text: str) -> None:
        """A message on stderr on a line of its own (above a bar on a terminal)."""
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
            return
        click.echo(text, err=True)

    def close(self) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.total, records=self.count)
            self._bar.stop()
            self._bar = None
            return
        click.echo(f"100.0%  {self.count:,} records", err=True)


class Steps:
    """Named steps of a long run (the demo): a rich spinner with the latest step on a terminal, one plain
    line per step when piped."""

    def __init__(self, title: str, *, terminal: bool | None = None) -> None:
        self._status: Status | None = None
        if _is_terminal(sys.stderr) if terminal is None else terminal:
            status = Console(stderr=True).status(title)
            status.start()
            self._status = status
        else:
            click.echo(title, err=True)

    def say(self, text: str) -> None:
        if self._status is None:
            click.echo(text, err=True)
            return
        self._status.console.print(f"  {text}", markup=False, highlight=False)
        self._status.update(text)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None
