"""Configuration problems with their location, so a file's author can fix every one in one pass.

Used by the parameter table and the region file loaders: both collect all problems (pydantic errors,
YAML syntax errors, cross-checks) as `ConfigIssue`s and raise them together in one `ConfigError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml
from pydantic import ValidationError

__all__ = ["ConfigError", "ConfigIssue", "format_path", "issues_from_validation", "yaml_syntax_issue"]

PathPart = str | int


@dataclass(frozen=True)
class ConfigIssue:
    """One problem: where (`corporaties[1].gemeenten[0]`, and the file line/column when known) and what."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path or "(file)"
        if self.line is not None:
            where += f" (line {self.line}" + (f", column {self.column})" if self.column is not None else ")")
        return f"{where}: {self.message}"


class ConfigError(ValueError):
    """A configuration file (or mapping) with one or more problems; `issues` lists them all."""

    def __init__(self, source: str, issues: Sequence[ConfigIssue]) -> None:
        self.source = source
        self.issues = tuple(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{source}: {len(self.issues)} problem(s)\n{lines}")


def format_path(parts: Iterable[PathPart]) -> str:
    """`("corporaties", 1, "gemeenten", 0)` -> `corporaties[1].gemeenten[0]`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def issues_from_validation(error: ValidationError, prefix: Sequence[PathPart] = ()) -> list[ConfigIssue]:
    """Every pydantic error as a `ConfigIssue`, located by its field path (inputs are never echoed)."""
    issues = []
    for detail in error.errors(include_input=False, include_url=False):
        # pydantic adds the validator's own name for some wrapped types; it is no location for a reader.
        loc = [part for part in detail["loc"] if not (isinstance(part, str) and "[" in part)]
        message = detail["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        issues.append(ConfigIssue(format_path([*prefix, *loc]), message))
    return issues


def yaml_syntax_issue(error: yaml.YAMLError) -> ConfigIssue:
    """A YAML syntax error as a `ConfigIssue`: only the problem and its place, since the full message
    quotes the file's text around it."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or type(error).__name__
    return ConfigIssue(
        "",
        f"YAML syntax error: {problem}",
        mark.line + 1 if mark is not None else None,
        mark.column + 1 if mark is not None else None,
    )
