"""How every `woonbrug` command fails: one clear line (what, where, what to do) and exit code 2.

`run_guarded` wraps the whole invocation (the `main` group calls it), so each command gets the same
handling without code of its own: a failure the table below knows becomes one line; anything else is
an internal error that prints a short reference id, while its traceback goes to the log (logger
`woonbrug.cli`, shown on stderr only with `woonbrug --debug`). Messages never carry input values:
database URLs are redacted, and validation errors name the field, not what was typed.
"""

from __future__ import annotations

import errno
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

import click

__all__ = ["EXIT_FAILURE", "WoonbrugCliError", "describe_failure", "run_guarded"]

EXIT_FAILURE = 2
log = logging.getLogger("woonbrug.cli")
T = TypeVar("T")


class WoonbrugCliError(click.ClickException):
    """A known failure, told in one line; exit code 2."""

    exit_code = EXIT_FAILURE


_OS_HINTS = {
    errno.ENOENT: "check the path (the folder must exist)",
    errno.EACCES: "check the permissions",
    errno.EADDRINUSE: "another program uses this port: stop it, or give --port",
    errno.ECONNREFUSED: "is the server running?",
    errno.EISDIR: "give a file, not a folder",
    errno.ENOSPC: "free some disk space",
}


def _database_failure(error: Exception) -> str | None:
    from sqlalchemy import exc

    if isinstance(error, exc.ArgumentError | exc.NoSuchModuleError):
        return (
            "the database URL is not valid (expected sqlite:///path or postgresql+psycopg://user@host/db): "
            "check WOONBRUG_DATABASE_URL, --database-url or woonbrug.toml"
        )
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        return (
            f"cannot use the database: {reason[:200]} "
            "(is it running and reachable? check WOONBRUG_DATABASE_URL, --database-url or woonbrug.toml)"
        )
    if isinstance(error, exc.SQLAlchemyError):
        return f"the database refused the operation ({type(error).__name__}): run `woonbrug status` to see which"
    return None


def describe_failure(error: BaseException) -> str | None:
    """The one line for a failure the gateway knows, or None for an unexpected one."""
    from pydantic import ValidationError

    from adapters.sdk.errors import AdapterError
    from gateway.core.datafolder import LockHeld
    from gateway.core.settings import ConfigFileError
    from gateway.flow.issues import ConfigError

    if isinstance(error, ConfigFileError | LockHeld | AdapterError):
        return str(error)  # adapter errors carry their location and are scrubbed of vendor data at the boundary
    if isinstance(error, ConfigError):
        first = "; ".join(str(issue) for issue in error.issues[:5])
        more = f" (and {len(error.issues) - 5} more)" if len(error.issues) > 5 else ""
        return f"{error.source}: {len(error.issues)} problem(s): {first}{more}"
    if isinstance(error, ValidationError):
        fields = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or '(value)'}: {item['msg']}" for item in error.errors()[:5]
        )
        return f"invalid settings or input ({error.title}): {fields}"
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else ""
        reason = error.strerror or type(error).__name__
        hint = _OS_HINTS.get(error.errno or 0)
        line = f"{where}: {reason}" if where else reason
        return f"{line} ({hint})" if hint else line
    if isinstance(error, Exception):
        database = _database_failure(error)
        if database is not None:
            return database
    if isinstance(error, UnicodeDecodeError):
        return f"the input is not in the expected encoding ({error.encoding}) at byte {error.start}"
    return None


def run_guarded(invoke: Callable[[], T]) -> T:
    """Run `invoke`; known failures become a `WoonbrugCliError`, unknown ones an internal error with a
    reference id (the traceback logged, at debug on stderr)."""
    try:
        return invoke()
    except click.exceptions.Exit:
        raise
    except click.ClickException as error:
        if error.exit_code == 1:  # click's default for "it failed": the house says 2
            raise WoonbrugCliError(error.format_message()) from error
        raise
    except (click.exceptions.Abort, KeyboardInterrupt):
        raise click.exceptions.Abort() from None
    except SystemExit:
        raise
    except Exception as error:
        line = describe_failure(error)
        if line is not None:
            log.debug("known failure", exc_info=True)
            raise WoonbrugCliError(line) from error
        reference = secrets.token_hex(4)
        # The traceback is for the log (and stderr with --debug), never for the user's screen by default.
        log.debug("internal error %s", reference, exc_info=True)
        raise WoonbrugCliError(
            f"internal error (reference {reference}, {type(error).__name__}): please report it with this "
            "reference; `woonbrug --debug ...` shows the details"
        ) from error
