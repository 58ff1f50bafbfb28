"""A plain progress line on stderr for long commands whose stdout goes to a file or pipe."""

from __future__ import annotations

import time
from typing import BinaryIO

import click

__all__ = ["Progress"]


class Progress:
    """A plain progress line on stderr, for when stdout goes to a file or pipe (no extra dependency)."""

    def __init__(self, stream: BinaryIO, total: int, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.count = 0
        self._last = 0.0
        self._open_line = False  # a progress line is on stderr without its newline yet

    def tick(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and now - self._last > 0.25:
            self._last = now
            done = self.stream.tell() if self.stream.seekable() else 0
            pct = 100.0 * done / self.total
            click.echo(f"\r{pct:5.1f}%  {self.count:,} records", err=True, nl=False)
            self._open_line = True

    def echo(self, text: str) -> None:
        """A message on stderr on a line of its own, not glued to the progress line."""
        if self._open_line:
            click.echo("", err=True)
            self._open_line = False
        click.echo(text, err=True)

    def close(self) -> None:
        if self.enabled:
            click.echo(f"\r100.0%  {self.count:,} records", err=True)
            self._open_line = False
