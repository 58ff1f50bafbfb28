"""Peak memory of decoding a 200 MB ERP reply through the streaming envelope reader, without a page limit.

The poll itself stops at the first record beyond the page it asked for (tests/hostile/test_soap_bounds.py
checks that over loopback); this measures the worst case under it: an ERP reply of 200 MB (~318,000
units) decoded whole, chunk by chunk, as the poll feeds it from the HTTP stream. The figure is the
peak RSS growth (sampled every 64 chunks); the baseline is the reply's own size, which is what reading
it into memory at once would hold before parsing even starts (the old poll: 2.8 GB RSS).
Set WOONBRUG_BENCH_SOAP_STREAM_MB for another size.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator

import psutil

from adapters.sdk.errors import MappingError
from adapters.soap_erp.decoding import EnvelopeReader
from adapters.soap_erp.simulator import generate_units, vacant_units_response
from benchmarks.harness import Result

MB = 1024 * 1024


def _reply(total_bytes: int) -> Iterator[bytes]:
    whole = vacant_units_response(generate_units(500, seed=5), cursor="999")
    start = whole.index(b"<erp:VrijeEenheid>")
    end = whole.rindex(b"</erp:VrijeEenheid>") + len(b"</erp:VrijeEenheid>\n")
    head, block, tail = whole[:start], whole[start:end], whole[end:]
    yield head
    sent = 0
    while sent < total_bytes:
        # 64 KiB pieces, as the poll reads them from the response stream.
        for offset in range(0, len(block), 64 * 1024):
            yield block[offset : offset + 64 * 1024]
        sent += len(block)
    yield tail


def run() -> list[Result]:
    size = int(os.environ.get("WOONBRUG_BENCH_SOAP_STREAM_MB", "200")) * MB
    gc.collect()
    process = psutil.Process()
    before = peak = process.memory_info().rss
    reader = EnvelopeReader(adapter="soap_erp")
    messages = errors = 0
    started = time.perf_counter()
    for chunks, chunk in enumerate(_reply(size), start=1):
        for item in reader.feed(chunk):
            if isinstance(item, MappingError):
                errors += 1
            else:
                messages += 1
        if chunks % 64 == 0:
            peak = max(peak, process.memory_info().rss)
    for item in reader.finish():
        messages += not isinstance(item, MappingError)
    elapsed = time.perf_counter() - started
    peak = max(peak, process.memory_info().rss)
    grown_mb = (peak - before) / MB
    return [
        Result(
            name=f"SOAP reply of {size // MB} MB streamed through the decoder: peak RSS growth",
            unit="MB",
            figure=round(grown_mb, 1),
            baseline_name="the reply's size (held whole by a non-streaming read)",
            baseline=size / MB,
            higher_is_better=False,
            limit=100.0,
            details={"records": messages, "errors": errors, "seconds": round(elapsed, 1), "cursor": reader.cursor},
        )
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
