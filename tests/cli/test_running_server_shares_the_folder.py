"""With `woonbrug serve --demo` running (a real process), the other commands in the same directory work on
its database: a key made with `keys create` is accepted by the server at once, `status` names the server,
`dlq list` and `report` read the demo's data, and `demo --json` refuses to replace the served database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from adapters.sdk.simulator import free_port
from gateway.cli import main
from gateway.core.settings import use_config_file


def _wait_until_ready(process: subprocess.Popen[str], base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve --demo stopped early"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("the demo server did not become ready")


def test_commands_beside_a_running_demo_server_use_its_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WOONBRUG_DATABASE_URL", raising=False)
    monkeypatch.delenv("WOONBRUG_CONFIG", raising=False)
    use_config_file(None)
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("WOONBRUG_DATABASE_URL", "WOONBRUG_CONFIG")}
    command = [sys.executable, "-m", "gateway.cli", "serve", "--demo", "--demo-seekers", "30", "--demo-listings", "2"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    runner = CliRunner()
    try:
        _wait_until_ready(process, base, time.monotonic() + 120)

        made = runner.invoke(main, ["keys", "create", "--tenant", "corp-b", "--role", "corporation"])
        assert made.exit_code == 0, made.output
        key = made.stdout.strip().splitlines()[0]
        assert key.startswith("wbk_")
        answer = httpx.get(f"{base}/api/v1/publicaties", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()  # corp-b's own demo listings

        status = json.loads(runner.invoke(main, ["status", "--json"]).stdout)
        assert status["server"]["pid"] == process.pid
        assert status["server"]["address"] == base

        dead = runner.invoke(main, ["dlq", "list", "--json"])
        assert dead.exit_code == 0, dead.output
        assert isinstance(json.loads(dead.stdout), list)

        report = runner.invoke(main, ["report", "--year", "2026", "--gemeente", "GM0268", "--format", "json"])
        assert report.exit_code == 0, report.output

        refused = runner.invoke(main, ["demo", "--json", "--seekers", "5", "--listings", "1"])
        assert refused.exit_code == 2
        assert refused.stdout == ""
        assert f"pid {process.pid}" in refused.stderr
        assert "Stop that server first" in refused.stderr
        # ... and the server still serves its own data.
        assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert process.returncode == 0
    assert not (tmp_path / "woonbrug-data" / "server.lock").exists()
