"""Progress on stderr follows where stderr goes (a rich bar on a terminal, plain lines when piped), and
every command that lists things has `--json`."""

from __future__ import annotations

import io

import pytest

from gateway.cli.progress import PLAIN_EVERY_SECONDS, Progress
from tests.cli.test_no_tracebacks import ALL


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_piped_progress_is_plain_lines_now_and_then(capsys: pytest.CaptureFixture[str]) -> None:
    data = io.BytesIO(b"x" * 100)
    clock = _Clock()
    progress = Progress(data, 100, terminal=False, clock=clock)
    data.read(10)
    progress.tick()  # too soon for a line
    clock.now = PLAIN_EVERY_SECONDS
    data.read(40)
    progress.tick()
    progress.close()
    err = capsys.readouterr().err
    assert err == " 50.0%  2 records\n100.0%  2 records\n"
    assert "\r" not in err  # a log file cannot show carriage-return tricks


def test_a_terminal_gets_a_rich_bar(capsys: pytest.CaptureFixture[str]) -> None:
    data = io.BytesIO(b"x" * 100)
    progress = Progress(data, 100, terminal=True)
    assert progress._bar is not None
    data.read(100)
    progress.tick()
    progress.echo("row 3: a message above the bar")
    progress.close()
    err = capsys.readouterr().err
    assert "row 3: a message above the bar" in err
    assert "1 records" in err


def test_switched_off_progress_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(io.BytesIO(b""), 0, enabled=False, terminal=True)
    progress.tick()
    progress.close()
    assert capsys.readouterr().err == ""


LISTING = {("dlq", "list"), ("dlq", "show"), ("keys", "list"), ("adapters", "list"), ("breakers",), ("status",)}


def test_every_command_that_lists_things_has_json() -> None:
    found = {path for path, _command in ALL}
    assert found >= LISTING
    for path, command in ALL:
        if path in LISTING or path[-1] == "list":
            options = {opt for param in command.params for opt in getattr(param, "opts", [])}
            assert "--json" in options, " ".join(path)
