"""One place for data and settings: woonbrug.toml / --config, the data folder every command shares, the
server lock the demo respects, and `woonbrug status`."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gateway.api.settings import ApiSettings
from gateway.cli import main
from gateway.core.datafolder import LOCK_FILE_NAME, LockHeld, ServerLock, running_server
from gateway.core.settings import Settings, use_config_file
from gateway.web.settings import WebSettings


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory with no WOONBRUG_ settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("WOONBRUG_DATABASE_URL", "WOONBRUG_DATA_DIR", "WOONBRUG_CONFIG", "WOONBRUG_REGION_FILE"):
        monkeypatch.delenv(name, raising=False)
    use_config_file(None)
    return tmp_path


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_settings_come_from_woonbrug_toml_below_the_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "woonbrug.toml").write_text(
        'data_dir = "region-data"\n[delivery]\nmax_attempts = 4\n[api]\nrate_burst = 7\n[web]\npage_size = 25\n',
        encoding="utf-8",
    )
    settings = Settings()
    assert settings.data_dir == "region-data"
    assert settings.database_url == "sqlite:///region-data/woonbrug.sqlite"
    assert settings.delivery.max_attempts == 4
    assert ApiSettings().rate_burst == 7
    assert WebSettings().page_size == 25
    monkeypatch.setenv("WOONBRUG_DELIVERY__MAX_ATTEMPTS", "9")
    monkeypatch.setenv("WOONBRUG_DATABASE_URL", "postgresql+psycopg://gw@db.example/woonbrug")
    assert Settings().delivery.max_attempts == 9  # the environment wins over the file
    assert Settings().database_url == "postgresql+psycopg://gw@db.example/woonbrug"


def test_config_option_names_the_file_and_a_missing_or_broken_one_is_one_clear_line(workdir: Path) -> None:
    elsewhere = workdir / "etc" / "gateway.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('data_dir = "from-config"\n', encoding="utf-8")
    result = _run("--config", str(elsewhere), "status", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data_dir"] == str((workdir / "from-config").resolve())

    missing = _run("--config", "nope.toml", "status")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "Error: nope.toml: configuration file not found"

    elsewhere.write_text("data_dir = \n", encoding="utf-8")
    broken = _run("--config", str(elsewhere), "status")
    assert broken.exit_code == 2
    assert "not valid TOML" in broken.stderr
    assert "line 1" in broken.stderr
    assert "Traceback" not in broken.output


def test_the_demo_and_every_command_share_the_data_folder_database(workdir: Path) -> None:
    demo = _run("demo", "--seekers", "20", "--listings", "1", "--json")
    assert demo.exit_code == 0, demo.output
    summary = json.loads(demo.stdout)
    assert (workdir / "woonbrug-data" / "woonbrug.sqlite").is_file()

    created = _run("keys", "create", "--tenant", "corp-a", "--role", "corporation")
    assert created.exit_code == 0, created.output
    listed = _run("keys", "list", "--json")
    assert [key["tenant"] for key in json.loads(listed.stdout)] == ["corp-a"]

    status = json.loads(_run("status", "--json").stdout)
    assert status["database"]["url"] == "sqlite:///./woonbrug-data/woonbrug.sqlite"
    assert status["database"]["schema"] == status["database"]["schema_head"]
    assert sum(status["database"]["outbox"].values()) > 0  # the demo's deliveries, seen by another command

    report = _run("report", "--year", "2026", "--format", "json")
    assert report.exit_code == 0, report.output
    assert report.stderr.startswith("report: year 2026, region rijnwaal-demo, format json")
    one = _run("report", "--year", "2026", "--gemeente", "GM0268", "--format", "csv")
    assert one.stderr.startswith("report: year 2026, gemeente GM0268 (Nijmegen), format csv"), one.stderr
    assert summary["allocations"] > 0
    assert '"lettings": 0' not in report.stdout  # the demo's lettings, not an empty store's zeros


def test_a_running_server_holds_the_folder_and_the_demo_will_not_replace_its_database(workdir: Path) -> None:
    folder = workdir / "woonbrug-data"
    (folder).mkdir()
    (folder / "woonbrug.sqlite").write_bytes(b"")
    (folder / "demo-database").write_text("made by the demo", encoding="utf-8")
    with ServerLock(folder).acquire(address="http://127.0.0.1:8000", database="sqlite:///x", started="2026-03-02"):
        held = running_server(folder)
        assert held is not None
        assert held.address == "http://127.0.0.1:8000"
        with pytest.raises(LockHeld, match="already serving"):
            ServerLock(folder).acquire(address="x", database="y", started="z")

        refused = _run("demo", "--json", "--seekers", "5", "--listings", "1")
        assert refused.exit_code == 2
        assert refused.stdout == ""
        assert "is serving the data folder woonbrug-data: the demo would replace its database" in refused.stderr
        assert (folder / "woonbrug.sqlite").read_bytes() == b""  # untouched

        status = json.loads(_run("status", "--json").stdout)
        assert status["server"]["address"] == "http://127.0.0.1:8000"
    assert running_server(folder) is None
    assert not (folder / LOCK_FILE_NAME).exists()


def test_a_lock_file_left_by_a_crashed_server_is_not_a_running_server(workdir: Path) -> None:
    folder = workdir / "woonbrug-data"
    folder.mkdir()
    (folder / LOCK_FILE_NAME).write_text('{"pid": 1, "address": "a", "database": "d", "started": "s"}')
    assert running_server(folder) is None


def test_the_demo_leaves_a_database_it_did_not_make_alone(workdir: Path) -> None:
    folder = workdir / "woonbrug-data"
    folder.mkdir()
    (folder / "woonbrug.sqlite").write_bytes(b"real region data")
    refused = _run("demo", "--seekers", "5", "--listings", "1")
    assert refused.exit_code == 2
    assert "was not made by the demo" in refused.stderr
    assert (folder / "woonbrug.sqlite").read_bytes() == b"real region data"


def test_serve_fails_at_once_on_a_taken_port_before_any_demo_or_key(workdir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for args in (["serve", "--port", port], ["serve", "--demo", "--port", port]):
            result = _run(*args)
            assert result.exit_code == 2, result.output
            assert f"port {port} on 127.0.0.1 is taken" in result.stderr
            assert "wbk_" not in result.output
            assert "Running the demo" not in result.output
    assert not (workdir / "woonbrug-data" / "woonbrug.sqlite").exists()


def test_status_says_which_database_adapters_workers_and_breakers(workdir: Path) -> None:
    result = _run("status")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "data folder:" in out
    assert "database:      sqlite:///./woonbrug-data/woonbrug.sqlite" in out
    assert "server:        not running" in out
    assert "installed csv, soap_erp, vera" in out
    assert "corp-a=vera, corp-b=soap_erp, corp-c=csv" in out
    assert "workers:" in out
    assert "breakers:" in out
    assert "not created yet" in out
    assert not (workdir / "woonbrug-data").exists()  # looking does not create the database


def test_status_reports_an_unreachable_database_and_exits_2(workdir: Path) -> None:
    result = CliRunner().invoke(
        main, ["status", "--json"], env={"WOONBRUG_DATABASE_URL": "postgresql+psycopg://gw:secret@127.0.0.1:1/x"}
    )
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["database"]["reachable"] is False
    assert "secret" not in result.output
    assert "cannot use the database" in report["database"]["problem"]
