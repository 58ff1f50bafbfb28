"""Every file, `woonbrug` command and option, and API path that README and the guides in docs/ name
exists: commands and options are looked up in the click group itself, API paths in the OpenAPI spec."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import click
import pytest

from gateway.cli import main
from tests.conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
GUIDES = ["guide-corporation.md", "guide-municipality.md", "guide-region-staff.md", "guide-portal-builder.md"]
# Commands other branches add at the same time; a guide may name them before they are merged. When
# present they are checked like any other.
PENDING_COMMANDS = {"check-vera"}  # the vera-model work (VERA Eenheid documents)
# Paths a doc names that are not in this repository, each with why.
NOT_HERE = {
    "tests/test_contract.py": "in a vendor's own adapter package (adapter authors' guide)",
    "tests/test_contract_my_erp.py": "in a vendor's own adapter package (adapter authors' guide)",
    "tests/fixtures": "in a vendor's own adapter package (adapter authors' guide)",
    "gateway/store/migrations/versions/0006_what_changed.py": "what `woonbrug db revision` would write",
}
TOP_LEVEL = ("adapters/", "contract_tests/", "docs/", "examples/", "gateway/", "schemas/", "scripts/", "tests/")
INLINE = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
API_PATH = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/[A-Za-z0-9_./{}-]+)")


def _snippets(text: str) -> list[str]:
    """Inline code and every line of fenced code, comments removed."""
    lines = [line.split("  #")[0].split(" # ")[0] for block in FENCE.findall(text) for line in block.splitlines()]
    inline = INLINE.findall(FENCE.sub("", text))
    return [snippet.strip() for snippet in [*lines, *inline] if snippet.strip()]


def _invocations(snippet: str) -> list[list[str]]:
    """The `woonbrug ...` calls in a snippet, each as its words up to a shell operator or a comment."""
    found = []
    for match in re.finditer(r"(?:^|[\s(;&|])woonbrug ((?:[^|;&#)`])+)", snippet):
        words = match.group(1).split()
        found.append(words)
    return found


def _check(words: list[str]) -> str | None:
    """None if `woonbrug WORDS` names a real command and only its options, else what is wrong."""
    command: click.Command = main
    context = click.Context(main, info_name="woonbrug")
    path = ["woonbrug"]
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word in ("...", "\\"):
            continue
        if word.startswith("-"):
            name = word.split("=")[0]
            options = {opt for param in command.params for opt in (*param.opts, *getattr(param, "secondary_opts", []))}
            options |= {"-h", "--help"} | ({"--version"} if command is main else set())
            if name not in options:
                return f"{' '.join(path)} has no option {name}"
            param = next((p for p in command.params if name in p.opts), None)
            if isinstance(param, click.Option) and not param.is_flag and "=" not in word and rest:
                rest.pop(0)  # the option's value
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(context, word)
            if sub is None:
                if word in PENDING_COMMANDS:
                    return None
                return f"{' '.join(path)} has no command {word}"
            command, path = sub, [*path, word]
            context = click.Context(sub, parent=context, info_name=word)
            continue
        # an argument of the command: fine
    return None


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_woonbrug_command_and_option_a_doc_names_exists(doc: Path) -> None:
    wrong = []
    for snippet in _snippets(doc.read_text(encoding="utf-8")):
        for words in _invocations(snippet):
            problem = _check(words)
            if problem:
                wrong.append(f"`woonbrug {' '.join(words)}`: {problem}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_file_a_doc_names_exists(doc: Path) -> None:
    missing = []
    for snippet in _snippets(doc.read_text(encoding="utf-8")):
        for word in snippet.split():
            word = word.strip("\"'(),:;")
            placeholder = any(mark in word for mark in "*<>{$")
            named = word.startswith(TOP_LEVEL) and not placeholder and word not in NOT_HERE
            if named and not (REPO / word.split("#")[0]).exists():
                missing.append(word)
    assert not missing, missing


@cache
def _api_paths() -> set[tuple[str, str]]:
    from gateway.api.app import create_app
    from gateway.store.engine import Database

    spec = create_app(Database("sqlite://")).openapi()
    return {(method.upper(), path) for path, operations in spec["paths"].items() for method in operations}


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_api_endpoint_a_doc_names_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8").replace("\n", " ")
    named = {(method, path.rstrip(".,")) for method, path in API_PATH.findall(text)}
    assert not named - _api_paths(), sorted(named - _api_paths())


def test_the_guides_are_there_and_the_checker_can_fail() -> None:
    for name in GUIDES:
        assert (REPO / "docs" / name).is_file(), name
    assert _check(["dlq", "list", "--json"]) is None
    assert _check(["dlq", "lsit"]) == "woonbrug dlq has no command lsit"
    assert _check(["report", "--year", "2026", "--gemeent", "GM0268"]) == "woonbrug report has no option --gemeent"
    assert _invocations("woonbrug keys list | head") == [["keys", "list"]]
