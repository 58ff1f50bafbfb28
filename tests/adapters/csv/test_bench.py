"""benchmarks/bench_csv.py runs end to end on a small file, so the benchmark cannot rot unnoticed."""

from __future__ import annotations

import pytest

from benchmarks import bench_csv


def test_bench_csv_runs_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_csv, "ROWS", 3_000)
    throughput, memory = bench_csv.run()
    assert throughput.details["rows"] == 3_000
    assert throughput.details["rejected"] == 3  # one spoiled row in a thousand, each refused
    assert throughput.figure > 0
    assert throughput.baseline > throughput.figure  # a bare csv.reader does far less per row
    assert memory.details["limit_mb"] == 200
    assert 0 < memory.figure < 200
    assert memory.meets_target is True
