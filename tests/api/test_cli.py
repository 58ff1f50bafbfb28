"""`woonbrug keys` (the key shown once, only its hash stored) and `woonbrug serve` (a real server)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from sqlalchemy import text

from gateway.cli import main
from gateway.store.engine import Database
from tests.conftest import REPO


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_keys_create_prints_the_key_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.sqlite'}"  # a new file: the command migrates the embedded store
    code, out, err = run("keys", "create", "--tenant", "corp-a", "--role", "corporation", "--database-url", url)
    assert code == 0, err
    key = out.strip()
    assert out.count("wbk_") == 1
    assert key.startswith("wbk_")
    assert "shown only now" in err
    assert key not in err
    key_id, secret = key.split("_")[1], key.split("_", 2)[2]
    database = Database(url)
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT id, secret_sha256, scopes FROM api_key")).one()
        everything = [
            str(row)
            for table in ("api_key", "api_tenant", "audit_log")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
        ]
    database.dispose()
    assert stored[0] == key_id
    assert stored[1] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in row for row in everything)

    code, out, _ = run("keys", "list", "--json", "--database-url", url)
    listed = json.loads(out)
    assert [(k["id"], k["tenant"], k["role"], k["state"]) for k in listed] == [
        (key_id, "corp-a", "corporation", "active")
    ]
    assert secret not in out
    assert run("keys", "revoke", key_id, "--database-url", url)[0] == 0
    assert json.loads(run("keys", "list", "--json", "--database-url", url)[1])[0]["state"] == "revoked"
    assert run("keys", "revoke", "000000000000", "--database-url", url)[0] == 2  # one line, exit 2 (issue 19)


def test_keys_create_refuses_scopes_the_role_may_not_hold(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.sqlite'}"
    code, out, err = run(
        "keys",
        "create",
        "--tenant",
        "GM0268",
        "--role",
        "municipality",
        "--scopes",
        "kandidaten:read",
        "--database-url",
        url,
    )
    assert code == 2
    assert "cannot hold scope kandidaten:read" in err
    assert "wbk_" not in out
    ok = run(
        "keys",
        "create",
        "--tenant",
        "p1",
        "--role",
        "portal",
        "--scopes",
        "publicaties:read",
        "--expires",
        "30d",
        "--database-url",
        url,
    )
    assert ok[0] == 0
    clash = run("keys", "create", "--tenant", "p1", "--role", "corporation", "--database-url", url)
    assert clash[0] == 2
    assert "exists with role portal" in clash[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_runs_the_api_and_workers_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    port = free_port()
    region = REPO / "gateway/flow/data/demo-region.yaml"
    env = {**os.environ, "WOONBRUG_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), "--region", str(region), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read().decode()[-2000:] if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/publicaties", timeout=2)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    lines = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert any(line["logger"] == "gateway.delivery.worker" for line in lines)  # the embedded worker ran
    assert any(line["logger"] == "woonbrug.api.access" and line["status"] == 401 for line in lines)
