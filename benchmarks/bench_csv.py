"""CSV import: decode a generated 1,000,000-row registrations export with full canonical validation.

Ours is `CsvAdapter.decode_stream` with the shipped `inschrijvingen` mapping: every cell converted the
Dutch way (dates, decimal comma, postcode, BSN, code and lookup tables), one `InschrijvingGeregistreerd`
validated per row (BSN 11-check, amounts, birth date, code lists), a located MappingError per bad row
(the file has one spoiled row in a thousand). The baseline is a bare `csv.reader` over the same file,
counting rows: the floor of any Python CSV import. Target: ours at least 0.4x the bare row rate.

Memory: both run in a child process of their own (`python -c`), which reports its own peak RSS when
done, so imports and the interpreter are counted and nothing else is. The peak is `VmHWM` from
`/proc/self/status`: Linux carries a parent's high-water mark into `ru_maxrss` of a child it spawns
(`RUSAGE_CHILDREN` too), which would charge the benchmark's own memory to the child; `ru_maxrss` is
the fallback where there is no /proc. The decode must stay under 200 MB whatever the file size: it
holds one row at a time. The second result is that peak beside the bare reader's; its target is the
200 MB limit as a ratio.

Rates are rows per second of CPU time of each child (`time.process_time`): on a machine shared with
other work, wall time measures the neighbours as much as the code. Wall seconds are in the details.

`WOONBRUG_BENCH_CSV_ROWS` sets the row count for a quick run (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from adapters.csv.simulator import write_registrations
from benchmarks.harness import Result

ROWS = int(os.environ.get("WOONBRUG_BENCH_CSV_ROWS", "1000000"))
LIMIT_MB = 200
TARGET_RATIO = 0.4
REPO = Path(__file__).resolve().parent.parent

# Each child prints one JSON line: rows seen, best seconds, its own peak RSS in KiB.
_PEAK = """
def peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_BARE = (
    _PEAK
    + """
import csv, json, sys, time
path, rounds = sys.argv[1], int(sys.argv[2])
best, wall, rows = float("inf"), float("inf"), 0
for _ in range(rounds):
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle, delimiter=";")) - 1
    best, wall = min(best, time.process_time() - cpu), min(wall, time.perf_counter() - start)
print(json.dumps({"rows": rows, "seconds": best, "wall_seconds": wall, "peak_kib": peak_kib()}))
"""
)

_DECODE = (
    _PEAK
    + """
import json, sys, time
from adapters.csv import CsvAdapter, CsvConfig
from adapters.sdk.errors import MappingError
path, rounds = sys.argv[1], int(sys.argv[2])
adapter = CsvAdapter(CsvConfig(tenant="corp-bench", mapping="inschrijvingen"))
best, wall, accepted, rejected = float("inf"), float("inf"), 0, 0
for _ in range(rounds):
    accepted = rejected = 0
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as stream:
        for item in adapter.decode_stream(stream, source="registrations.csv"):
            if isinstance(item, MappingError):
                rejected += 1
            else:
                accepted += 1
    best, wall = min(best, time.process_time() - cpu), min(wall, time.perf_counter() - start)
print(json.dumps({"rows": accepted + rejected, "accepted": accepted, "rejected": rejected, "seconds": best,
                  "wall_seconds": wall, "peak_kib": peak_kib()}))
"""
)


def _child(code: str, path: Path, rounds: int) -> dict[str, Any]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=environment,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="woonbrug-bench-csv-") as folder:
        path = Path(folder) / "registrations.csv"
        started = time.perf_counter()
        write_registrations(path, ROWS, seed=2026, bad_every=1000)
        generated = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6

        bare = _child(_BARE, path, rounds=3)
        # The decode is the slow side; a second round only when the file is small enough to afford it.
        ours = _child(_DECODE, path, rounds=1 if ROWS > 200_000 else 2)

    if bare["rows"] != ROWS or ours["rows"] != ROWS:
        raise RuntimeError(f"row counts differ: file {ROWS}, bare {bare['rows']}, decode {ours['rows']}")
    expected_rejects = ROWS // 1000
    if ours["rejected"] != expected_rejects:
        raise RuntimeError(f"expected {expected_rejects} rejected rows, got {ours['rejected']}")

    bare_rate = ROWS / bare["seconds"]
    our_rate = ROWS / ours["seconds"]
    peak_mb = ours["peak_kib"] / 1024
    bare_peak_mb = bare["peak_kib"] / 1024
    throughput = Result(
        name=f"csv decode {ROWS:,} registrations, full validation",
        unit="rows/s",
        figure=our_rate,
        baseline_name="bare csv.reader",
        baseline=bare_rate,
        higher_is_better=True,
        target=TARGET_RATIO,
        details={
            "rows": ROWS,
            "accepted": ours["accepted"],
            "rejected": ours["rejected"],
            "file_mb": round(size_mb, 1),
            "timing": "CPU time of each child (process_time); wall clock alongside",
            "decode_cpu_seconds": round(ours["seconds"], 2),
            "decode_wall_seconds": round(ours["wall_seconds"], 2),
            "bare_cpu_seconds": round(bare["seconds"], 3),
            "bare_wall_seconds": round(bare["wall_seconds"], 3),
            "us_per_row": round(ours["seconds"] / ROWS * 1e6, 2),
            "bare_us_per_row": round(bare["seconds"] / ROWS * 1e6, 3),
            "generate_seconds": round(generated, 1),
        },
    )
    memory = Result(
        name=f"csv decode {ROWS:,} registrations, peak RSS of the decoding process",
        unit="MB",
        figure=peak_mb,
        baseline_name="bare csv.reader process",
        baseline=bare_peak_mb,
        higher_is_better=False,
        limit=LIMIT_MB,
        details={"limit_mb": LIMIT_MB, "within_limit": peak_mb <= LIMIT_MB, "file_mb": round(size_mb, 1)},
    )
    return [throughput, memory]


if __name__ == "__main__":
    for result in run():
        print(json.dumps(result.as_dict(), indent=2))
