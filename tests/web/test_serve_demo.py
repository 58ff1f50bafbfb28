"""`woonbrug serve --demo` (what `make run` starts), as a real process: the demo runs, keys are printed once,
the dashboard and the API answer with them, and the embedded worker still delivers to the demo's simulated
vendor systems. Stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from adapters.sdk.simulator import free_port
from gateway.demo.population import vacancies

KEY_LINE = re.compile(r"^\s+(\S+)\s+(admin|corporation|municipality)\s+(wbk_\S+)$")


def _wait_for_keys(process: subprocess.Popen[str], deadline: float) -> dict[str, str]:
    keys: dict[str, str] = {}
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            assert process.poll() is None, "serve --demo stopped early"
            continue
        match = KEY_LINE.match(line.rstrip("\n"))
        if match:
            keys[match.group(1)] = match.group(3)
            if len(keys) == 7:  # region staff, 3 corporations, 3 municipalities
                return keys
    raise AssertionError(f"no keys printed in time (got {sorted(keys)})")


def _sign_in(client: httpx.Client, key: str) -> None:
    client.cookies.clear()
    page = client.get("/dashboard/inloggen")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post("/dashboard/inloggen", data={"csrf": token.group(1), "sleutel": key})
    assert answer.status_code == 303, answer.text[:300]


def test_serve_demo_serves_the_demo_with_printed_keys_and_a_working_worker(tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gateway.cli",
        "serve",
        "--demo",
        "--demo-dir",
        str(tmp_path / "demo"),
        "--demo-seekers",
        "30",
        "--demo-listings",
        "2",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        keys = _wait_for_keys(process, time.monotonic() + 120)
        assert set(keys) == {"regiobeheer", "corp-a", "corp-b", "corp-c", "GM0202", "GM0268", "GM0274"}
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)

        with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as client:
            _sign_in(client, keys["corp-a"])
            overview = client.get("/dashboard/")
            assert overview.status_code == 200
            assert "Woonstichting Rijnoever" in overview.text
            assert client.get("/dashboard/publicaties").text.count("/dashboard/publicaties/pub-") == 2

            # A new vacancy through the API: the flow publishes it, and the served worker delivers the
            # publication to corp-a's VERA simulator, which the demo left running.
            message = vacancies("corp-a", "vera", [("GM0202", "Arnhem")], 1, seed=5, first=700)[0]
            sent = client.post(
                "/api/v1/berichten",
                json=message.model_dump(mode="json", by_alias=True),
                headers={"Authorization": f"Bearer {keys['corp-a']}", "Idempotency-Key": message.message_id},
            )
            assert sent.status_code == 202, sent.text
            deadline = time.monotonic() + 30
            while True:
                trace = client.get(f"/dashboard/spoor/{message.correlation_id}")
                if trace.status_code == 200 and "afgeleverd (HTTP 201)" in trace.text:
                    break
                assert time.monotonic() < deadline, trace.text[-2000:]
                time.sleep(0.3)
            assert "publicatie.aangeboden" in trace.text

            _sign_in(client, keys["GM0268"])
            assert client.get("/dashboard/").headers["location"] == "/dashboard/statistieken"
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-2000:]
    for key in keys.values():
        assert key not in err  # keys go to the terminal once, never into the logs
