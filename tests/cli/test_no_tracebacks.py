"""No traceback reaches a user: every `woonbrug` command, found by walking the click group, answers `-h`,
refuses an unknown option, and turns bad input (missing files, typos, unreachable databases, malformed
URLs, taken ports, unknown codes) into one clear line with exit code 2."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from gateway.cli import main
from gateway.cli.errors import describe_failure, run_guarded
from gateway.core.settings import use_config_file

UNREACHABLE = "postgresql+psycopg://gw:s3cret-pw@127.0.0.1:1/woonbrug"
MALFORMED = "postgres//gw:s3cret-pw@@db"
LONG_RUNNING = {"serve", "worker"}  # tested below with arguments that make them stop


Found = tuple[tuple[str, ...], click.Command]


def _commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> Iterator[Found]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL = list(_commands())
LEAVES = [(path, command) for path, command in ALL if not isinstance(command, click.Group)]


def _ids(items: list[tuple[tuple[str, ...], click.Command]]) -> list[str]:
    return [" ".join(path) for path, _ in items]


@pytest.fixture(autouse=True)
def _clean_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WOONBRUG_DATABASE_URL", raising=False)
    monkeypatch.delenv("WOONBRUG_CONFIG", raising=False)
    use_config_file(None)


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, prog_name="woonbrug")


def assert_one_clear_line(result: Result, *, contains: str = "") -> None:
    """Exit 2, no traceback, the problem in one line on stderr (after click's usage lines, if any; a
    file with several problems lists each under its name)."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output, result.output
    problem = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(problem) <= 1, result.stderr
    assert contains in (problem[0] if problem else result.stderr), result.stderr
    assert "s3cret-pw" not in result.output


def test_the_walk_finds_every_command() -> None:
    names = set(_ids(ALL))
    assert {"status", "demo", "serve", "worker", "report", "passend", "import", "keys list", "dlq replay"} <= names
    assert len(LEAVES) >= 25


@pytest.mark.parametrize(("path", "command"), ALL, ids=_ids(ALL))
def test_every_command_answers_dash_h(path: tuple[str, ...], command: click.Command) -> None:
    result = _run(*path, "-h")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: woonbrug {' '.join(path)}")


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=_ids(LEAVES))
def test_every_command_refuses_an_unknown_option_in_one_line(path: tuple[str, ...], command: click.Command) -> None:
    if command.context_settings.get("ignore_unknown_options") or command.ignore_unknown_options:
        pytest.skip("passes unknown options on (to pytest)")
    assert_one_clear_line(_run(*path, "--no-such-option"), contains="No such option")


# What a command needs besides the database URL to get as far as the database.
EXTRA_ARGS = {("dlq", "replay"): ["--all"]}


def _database_commands() -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for path, command in ALL:
        if isinstance(command, click.Group) and not command.invoke_without_command:
            continue
        names = {name for param in command.params for name in getattr(param, "opts", [])}
        required = [param for param in command.params if param.required]
        if "--database-url" in names and not required and path[0] not in LONG_RUNNING:
            found.append((path, command))
    return found


DATABASE_COMMANDS = _database_commands()


def test_the_database_commands_are_found() -> None:
    assert {"db current", "dlq list", "keys list", "breakers"} <= set(_ids(DATABASE_COMMANDS))


@pytest.mark.parametrize(("path", "command"), DATABASE_COMMANDS, ids=_ids(DATABASE_COMMANDS))
@pytest.mark.parametrize(
    ("url", "message"),
    [(UNREACHABLE, "cannot use the database: connection"), (MALFORMED, "the database URL is not valid")],
    ids=["unreachable", "malformed"],
)
def test_every_database_command_says_in_one_line_when_the_database_is_wrong(
    path: tuple[str, ...], command: click.Command, url: str, message: str
) -> None:
    extra = EXTRA_ARGS.get(path, [])
    assert_one_clear_line(_run(*path, *extra, "--database-url", url), contains=message)
    assert_one_clear_line(_run(*path, *extra, env={"WOONBRUG_DATABASE_URL": url}), contains=message)


def _taken_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.fixture
def taken_port() -> Iterator[int]:
    yield from _taken_port()


def test_long_running_commands_fail_in_one_line_too(taken_port: int) -> None:
    assert_one_clear_line(_run("serve", "--port", str(taken_port)), contains="is taken")
    assert_one_clear_line(_run("serve", "--demo", "--port", str(taken_port)), contains="is taken")
    assert_one_clear_line(_run("serve", "--port", "0", "--database-url", UNREACHABLE), contains="cannot use")
    assert_one_clear_line(_run("worker", "--once", "--database-url", MALFORMED), contains="not valid")


CSV_TYPO = "tenant: corp-c\nmapping:\n  message_type: eenheid.vrijgekomen\n  columns:\n    Eenheidnummer: eenheid.idd\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "missing.csv", "--adapter", "csv"], "does not exist"),
        (["import", "rows.csv", "--adapter", "cvs"], "cvs"),
        (["import", "rows.csv", "--adapter", "csv", "--config", "typo.yaml"], "Eenheidnummer.field: Eenheid has"),
        (["translate", "csv", "--decode", "rows.csv", "--config", "typo.yaml"], "Eenheid has no field 'idd'"),
        (["validate-config", "missing.yaml"], "missing.yaml"),
        (["report", "--year", "2026", "--gemeente", "GM9999"], "GM9999: not a gemeente of region rijnwaal-demo"),
        (["report", "--year", "2026", "--corporatie", "corp-z"], "corp-z: not a corporation"),
        (["report", "--year", "2026", "--output", "no/such/folder/r.json"], "no/such/folder: no such folder"),
        (["passend", "--date", "2025-03-01", "--persons", "2", "--income", "45.5", "--rekenhuur", "1"], "ambiguous"),
        (["--config", "missing.toml", "status"], "missing.toml: configuration file not found"),
        (["dlq", "replay", "999"], "999"),
        (["keys", "revoke", "nope"], "nope"),
        (["breakers", "reset", "corp-z/none"], "no breaker for corp-z/none"),
        (["keys", "create", "--tenant", "x", "--role", "admin", "--expires", "soon"], "--expires"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_bad_input_gets_one_clear_line(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("Eenheidnummer\nE1\n", encoding="utf-8")
    (tmp_path / "typo.yaml").write_text(CSV_TYPO, encoding="utf-8")
    assert_one_clear_line(_run(*args), contains=message)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unexpected_failure_shows_a_reference_not_a_traceback() -> None:
    def broken() -> None:
        raise KeyError("bsn 123456782")  # personal data in an internal error must not reach the screen

    logger = logging.getLogger("woonbrug.cli")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with pytest.raises(click.ClickException) as caught:
            run_guarded(broken)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    line = caught.value.format_message()
    assert line.startswith("internal error (reference ")
    assert "123456782" not in line
    assert caught.value.exit_code == 2
    reference = line.split("reference ")[1].split(",")[0]
    logged = [record for record in handler.records if reference in record.getMessage()]
    assert logged
    assert logged[0].levelno == logging.DEBUG  # the traceback goes to the debug log only
    # (the house's log filter turns exc_info into a scrubbed exc_text when it sees the record first)
    assert logged[0].exc_info is not None or logged[0].exc_text


def test_known_failures_are_described_without_their_input() -> None:
    assert describe_failure(FileNotFoundError(2, "No such file or directory", "x.csv")) == (
        "x.csv: No such file or directory (check the path (the folder must exist))"
    )
    assert describe_failure(RuntimeError("?")) is None
