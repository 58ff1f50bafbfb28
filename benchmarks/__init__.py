"""Woonbrug benchmarks: each figure is measured beside a baseline in the same run and reported as a ratio.

`make bench` (`python -m benchmarks`) runs every `benchmarks/bench_*.py` module's `run()` and writes
`benchmarks/results.json` and `benchmarks/results.md`. Targets live here, never in timed unit tests.
"""
