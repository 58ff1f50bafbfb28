"""`woonbrug db`, `woonbrug dlq`, `woonbrug breakers` and `woonbrug worker` against real stores."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from gateway.cli import main
from gateway.core.clock import SYSTEM_CLOCK, SimulatedClock
from gateway.delivery import breaker, enqueue
from gateway.delivery.breaker import BreakerPolicy
from gateway.store import OutboxMessage, audit, migrate
from tests.delivery.builders import publicatie_message
from tests.delivery.helpers import CORP_A, put, statuses, wait_until
from tests.delivery.sink import Sink
from tests.store.databases import TestDatabase, sqlite_database

REPO = Path(__file__).resolve().parents[2]


def _run(database: TestDatabase, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, list(args), env={"WOONBRUG_DATABASE_URL": database.url_text}, catch_exceptions=False
    )
    return result.exit_code, result.output


def test_db_upgrade_current_and_check_on_an_empty_store(empty_database: TestDatabase) -> None:
    code, out = _run(empty_database, "db", "current")
    assert code == 0
    assert "current: (empty)" in out
    code, out = _run(empty_database, "db", "check")
    assert code == 1
    code, out = _run(empty_database, "db", "upgrade")
    assert code == 0
    assert f"(empty) -> {migrate.head_revision()}" in out
    code, out = _run(empty_database, "db", "check")
    assert (code, out.strip()) == (0, f"at {migrate.head_revision()}; models and migrations agree")
    code, out = _run(empty_database, "db", "downgrade", "base")
    assert (code, "now at (empty)" in out) == (0, True)


def _dead_letter(database: TestDatabase, clock: SimulatedClock, key: str, adapter: str = "test-sink") -> int:
    from gateway.delivery import Destination

    [outbox_id] = put(database, clock, [publicatie_message(key)], Destination("corp-a", adapter))
    with database.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status="dead", dead_at=clock.now(), attempts=1, last_status=422, last_error="HTTP 422 (test)")
        )
    return outbox_id


def test_dlq_list_replay_and_show(database: TestDatabase, clock: SimulatedClock) -> None:
    first = _dead_letter(database, clock, "P-1")
    second = _dead_letter(database, clock, "P-2", adapter="vera")

    code, out = _run(database, "dlq", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(d["id"], d["last_status"], d["reason"]) for d in listed] == [
        (first, 422, "HTTP 422 (test)"),
        (second, 422, "HTTP 422 (test)"),
    ]
    code, out = _run(database, "dlq", "list")
    assert f"{first}  corp-a/test-sink  publicatie.aangeboden  key=P-1" in out

    code, out = _run(database, "dlq", "replay", str(first), "--reason", "vendor fixed", "--actor", "ops:anna")
    assert code == 0
    assert f"replayed {first} as" in out
    code, out = _run(database, "dlq", "replay", str(first))
    assert code == 2  # a known failure: one line, exit 2 (issue 19)
    assert "replayed already" in out
    code, out = _run(database, "dlq", "replay", "--all", "--adapter", "vera")
    assert code == 0
    assert f"replayed {second} as" in out
    assert "1 message(s) queued again" in out
    code, out = _run(database, "dlq", "list")
    assert out.strip() == "no dead letters"

    code, out = _run(database, "dlq", "show", str(first), "--json")
    family = json.loads(out)
    assert [(m["id"], m["generation"], m["parent_id"], m["replayed_by"]) for m in family] == [
        (first, 0, None, None),
        (family[1]["id"], 1, first, "ops:anna"),
    ]
    assert family[1]["replay_reason"] == "vendor fixed"
    code, out = _run(database, "dlq", "replay")
    assert code == 2
    assert "give one dead letter's ID, or --all" in out


def test_breakers_list_and_reset(database: TestDatabase, clock: SimulatedClock) -> None:
    code, out = _run(database, "breakers")
    assert "no breakers yet" in out
    with database.transaction() as session:
        for _ in range(3):
            breaker.record_failure(session, CORP_A.endpoint, SYSTEM_CLOCK.now(), BreakerPolicy(threshold=3))
    code, out = _run(database, "breakers", "--json")
    [view] = json.loads(out)
    assert (view["endpoint"], view["state"], view["failures"]) == ("corp-a/test-sink", "open", 3)
    code, out = _run(database, "breakers", "reset", "corp-a/test-sink", "--actor", "ops:bo")
    assert (code, out.strip()) == (0, "corp-a/test-sink: closed")
    code, out = _run(database, "breakers")
    assert "corp-a/test-sink" in out
    assert "closed" in out
    with database.session() as session:
        assert [(e.actor, e.action) for e in audit.search(session, entity_id="corp-a/test-sink")] == [
            ("ops:bo", "breaker.reset")
        ]
    code, out = _run(database, "breakers", "reset", "corp-z/none")
    assert code == 2


@pytest.mark.slow
def test_worker_once_delivers_what_is_due_and_exits(database: TestDatabase) -> None:
    processes = "2"
    sink = Sink().start()
    try:
        with database.transaction() as session:
            for index in range(12):
                enqueue(session, publicatie_message(f"P-{index}"), CORP_A, clock=SYSTEM_CLOCK)
        env = {
            **os.environ,
            "WOONBRUG_DATABASE_URL": database.url_text,
            "WOONBRUG_TEST_SINK_URL": sink.url,
            "PYTHONPATH": str(REPO),
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "gateway.cli",
                "worker",
                "--once",
                "--processes",
                processes,
                "--batch-size",
                "5",
                "--resolver",
                "tests.delivery.sink:env_resolver",
            ],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert statuses(database) == {"delivered": 12}
        assert len(sink.ledger.effects()) == 12
    finally:
        sink.stop()


@pytest.mark.slow
def test_worker_pool_serves_summed_metrics_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Process handling and metrics do not depend on the database: SQLite only."""
    with sqlite_database(tmp_path) as database:
        _serve_metrics_and_stop(database)


def _serve_metrics_and_stop(database: TestDatabase) -> None:
    import signal
    import time

    import httpx

    from adapters.sdk.simulator import free_port
    from tests.delivery.helpers import wait_until

    sink = Sink().start()
    port = free_port()
    env = {
        **os.environ,
        "WOONBRUG_DATABASE_URL": database.url_text,
        "WOONBRUG_TEST_SINK_URL": sink.url,
        "PYTHONPATH": str(REPO),
        "WOONBRUG_DELIVERY__POLL_SECONDS": "0.05",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway.cli",
            "worker",
            "--processes",
            "2",
            "--batch-size",
            "3",
            "--resolver",
            "tests.delivery.sink:env_resolver",
            "--metrics-port",
            str(port),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with database.transaction() as session:
            for index in range(10):
                enqueue(session, publicatie_message(f"P-{index}"), CORP_A, clock=SYSTEM_CLOCK)
        wait_until(lambda: statuses(database) == {"delivered": 10}, timeout=90, what="10 deliveries")

        def scraped() -> str:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except httpx.HTTPError:
                return ""

        wait_until(lambda: "woonbrug_delivery_delivered_total" in scraped(), timeout=30, what="the metrics server")
        text = scraped()
        assert 'woonbrug_delivery_delivered_total{adapter="test-sink"} 10.0' in text  # summed over both workers
        assert 'woonbrug_outbox_messages{adapter="test-sink",status="delivered"} 10.0' in text
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert time.monotonic() - started < 60
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()  # its workers notice their parent is gone and stop by themselves
            _, stderr = process.communicate()
        sink.stop()
    assert "Traceback" not in stderr, stderr[-3000:]


def test_the_default_resolver_builds_adapters_from_the_region_file() -> None:
    import pickle

    from gateway.cli.worker_cmd import RegionAdapters
    from gateway.delivery import Destination

    resolver = pickle.loads(pickle.dumps(RegionAdapters()))  # it travels into worker processes
    adapter = resolver(Destination("corp-a", "vera"))
    assert adapter.name == "vera"
    with pytest.raises(LookupError, match="corporatie uses adapter 'vera'"):
        resolver(Destination("corp-a", "csv"))


def test_dlq_replay_of_a_superseded_dead_letter_sends_nothing_and_list_says_so(
    database: TestDatabase, clock: SimulatedClock
) -> None:
    old = _dead_letter(database, clock, "P-5")
    [newer] = put(database, clock, [publicatie_message("P-5", 1)])
    with database.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == newer).values(status="delivered"))

    code, out = _run(database, "dlq", "replay", str(old), "--reason", "vendor fixed")
    assert code == 0
    assert f"{old} is superseded by {newer}" in out
    assert "0 message(s) queued again" in out
    assert statuses(database) == {"dead": 1, "delivered": 1}
    code, out = _run(database, "dlq", "list")
    assert f"superseded by {newer}" in out
    code, out = _run(database, "dlq", "list", "--json")
    assert [(d["id"], d["superseded_by"]) for d in json.loads(out)] == [(old, newer)]


def test_a_worker_started_while_the_database_is_down_says_so_in_one_line_and_waits(tmp_path: Path) -> None:
    """Nothing listens on port 9 of loopback: the worker waits with backoff, one line per try, and a
    SIGTERM while it waits ends it cleanly. No traceback, no password."""
    url = "postgresql+psycopg://woonbrug:s3cret-password@127.0.0.1:9/test?connect_timeout=2"
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "worker", "--database-url", url],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
        )
        try:
            wait_until(lambda: errors.read_text().count("cannot be reached") >= 2, 60, "two tries")
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    lines = errors.read_text().splitlines()
    tries = [line for line in lines if "cannot be reached" in line]
    assert len(tries) >= 2
    assert all("OperationalError" in line and "trying again in" in line for line in tries)
    assert "Traceback" not in errors.read_text()
    assert "s3cret-password" not in errors.read_text()
    assert lines[-1] == "woonbrug worker: stopped before the database could be reached"
