"""`woonbrug adapters` and `woonbrug translate`: see what is installed, and run an adapter's translation
by hand — vendor payload to canonical messages and back — without any gateway running."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pydantic
import yaml

from adapters import Adapter, MappingError, PermanentError, discover
from gateway.cli.progress import Progress
from schemas import INCLUDE_BSN, Message, parse_message

# Inputs larger than this are printed as JSON lines (one message per line) instead of one JSON array,
# so a million-row file never has to fit in memory.
STREAM_THRESHOLD_BYTES = 1_000_000
EXIT_BAD_INPUT = 2


@click.group()
def adapters() -> None:
    """Installed adapters (entry-point group `woonbrug.adapters`)."""


@adapters.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the declarations as JSON.")
def list_adapters(as_json: bool) -> None:
    """Every installed adapter with its version, model version and capabilities; broken ones with why."""
    registry = discover()
    if as_json:
        out = {
            "adapters": [cls.describe() for _, cls in sorted(registry.adapters.items())],
            "broken": [{"name": b.name, "target": b.target, "reason": b.reason} for b in registry.broken],
        }
        click.echo(json.dumps(out, indent=2, default=str))
        return
    for name, cls in sorted(registry.adapters.items()):
        caps = cls.capabilities
        click.echo(
            f"{name:<14} {cls.version:<8} model v{cls.model_major}  "
            f"transports={','.join(sorted(t.value for t in caps.transports)) or '-'}  "
            f"decodes={len(caps.decodes)} encodes={len(caps.encodes)}"
        )
    for broken in registry.broken:
        click.echo(f"{broken.name:<14} BROKEN   {broken.reason}", err=True)


def load_config(path: Path | None) -> dict[str, Any]:
    """An adapter's configuration from a YAML or JSON file (YAML is a superset of JSON)."""
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise click.UsageError(f"config {path}: not valid YAML/JSON{where}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise click.UsageError(f"config {path}: must be a mapping of settings")
    return data


def build_adapter(name: str, config_path: Path | None) -> Adapter[Any]:
    return build_adapter_from(name, load_config(config_path))


def build_adapter_from(name: str, settings: dict[str, Any]) -> Adapter[Any]:
    try:
        cls = discover().get(name)
    except LookupError as error:
        raise click.UsageError(str(error)) from error
    try:
        return cls.from_settings(settings)
    except pydantic.ValidationError as error:
        lines = [
            f"  {'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors(include_input=False)
        ]
        raise click.UsageError(f"config for adapter {name!r} is invalid:\n" + "\n".join(lines)) from error


@click.command()
@click.argument("adapter")
@click.option("--decode", "decode_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encode", "encode_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--include-bsn", is_flag=True, help="Print BSNs in decoded output (left out by default).")
@click.option(
    "--resource",
    help="With --decode: the resource the payload was read from (VERA: eenheden, publicaties, ...), for "
    "records without a Woonbrug envelope. VERA records are otherwise recognised by their shape.",
)
def translate(
    adapter: str,
    decode_path: Path | None,
    encode_path: Path | None,
    config_path: Path | None,
    include_bsn: bool,
    resource: str | None,
) -> None:
    """Translate with ADAPTER: --decode a vendor payload into canonical messages (JSON), or --encode
    canonical message JSON into the vendor payload. Bad input exits 2 with where it went wrong.

    A plain VERA document (no Woonbrug extra-attributen) is recognised by its shape; name its resource
    when it is not: `woonbrug translate vera --decode unit.json --resource eenheden`."""
    if (decode_path is None) == (encode_path is None):
        raise click.UsageError("give exactly one of --decode FILE or --encode FILE")
    if resource is not None and decode_path is None:
        raise click.UsageError("--resource goes with --decode")
    instance = build_adapter(adapter, config_path)
    if resource is not None:
        settings = {**load_config(config_path), "resource": resource}
        if "resource" not in type(instance).config_model.model_fields:
            raise click.UsageError(f"adapter {adapter!r} reads no resources; --resource is for the vera adapter")
        instance = build_adapter_from(adapter, settings)
    if decode_path is not None:
        sys.exit(_decode(instance, decode_path, include_bsn))
    assert encode_path is not None
    sys.exit(_encode(instance, encode_path))


def _decode(instance: Adapter[Any], path: Path, include_bsn: bool) -> int:
    size = path.stat().st_size
    streaming = size > STREAM_THRESHOLD_BYTES
    context = INCLUDE_BSN if include_bsn else None
    failures = 0
    with path.open("rb") as stream:
        progress = Progress(stream, size, enabled=not sys.stdout.isatty() and streaming)
        items: list[str] = []
        for item in instance.decode_all(stream):
            progress.tick()
            if isinstance(item, MappingError):
                failures += 1
                progress.echo(f"{path}: {item}")
                continue
            text = item.model_dump_json(context=context)
            if streaming:
                click.echo(text)
            else:
                items.append(text)
        progress.close()
    if not streaming:
        click.echo("[\n" + ",\n".join(items) + "\n]" if items else "[]")
    if failures:
        click.echo(f"{failures} record(s) could not be translated", err=True)
        return EXIT_BAD_INPUT
    return 0


def _read_messages(path: Path) -> Iterator[Message]:
    """Canonical messages from a JSON object, a JSON array, or JSON lines; errors say where."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            for index, item in enumerate(json.loads(text)):
                yield _parse(item, f"{path}[{index}]")
        elif stripped.startswith("{") and "\n{" not in stripped:
            yield _parse(json.loads(text), str(path))
        else:
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    yield _parse(json.loads(line), f"{path}:{number}")
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{path}: malformed JSON at line {error.lineno}, column {error.colno}") from error


def _parse(data: Any, where: str) -> Message:
    try:
        return parse_message(data)
    except pydantic.ValidationError as error:
        first = error.errors(include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise click.ClickException(f"{where}: field {field}: {first['msg']}") from error


def _encode(instance: Adapter[Any], path: Path) -> int:
    try:
        messages = list(_read_messages(path))
        payload = instance.encode_many(messages) if len(messages) != 1 else instance.encode(messages[0])
    except click.ClickException as error:
        click.echo(f"Error: {error.message}", err=True)
        return EXIT_BAD_INPUT
    except (MappingError, PermanentError) as error:
        click.echo(f"Error: {path}: {error}", err=True)
        return EXIT_BAD_INPUT
    sys.stdout.buffer.write(payload.body if payload.body.endswith(b"\n") else payload.body + b"\n")
    sys.stdout.buffer.flush()
    return 0
