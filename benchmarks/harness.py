"""Shared measuring tools: best-of-N timing and the result record (peak memory is measured in bench_csv)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """One benchmark figure beside its baseline.

    `higher_is_better` says how to read `ratio` (figure / baseline); `target` is the ratio we promise,
    compared in that direction. `limit` is a promise on the figure itself (e.g. "under 10 s"), for
    targets that are absolute rather than relative. `details` carries extra figures (p99, sizes).
    """

    name: str
    unit: str
    figure: float
    baseline_name: str
    baseline: float
    higher_is_better: bool = True
    target: float | None = None
    limit: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.figure / self.baseline if self.baseline else float("inf")

    @property
    def meets_target(self) -> bool | None:
        verdicts = []
        if self.target is not None:
            verdicts.append(self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target)
        if self.limit is not None:
            verdicts.append(self.figure >= self.limit if self.higher_is_better else self.figure <= self.limit)
        return all(verdicts) if verdicts else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "meets_target": self.meets_target}


def best_time(function: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best wall time in seconds of `number` calls, over `repeat` rounds (GC off while timing)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            for _ in range(number):
                function()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best / number
