"""Run every benchmark module and write benchmarks/results.json and results.md."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import traceback
from pathlib import Path

from benchmarks.harness import Result

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="run only modules whose name contains one of these")
    args = parser.parse_args()
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if any(part in n for part in args.only)]
    results: list[Result] = []
    failed: list[str] = []
    for name in names:
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            for result in module.run():
                results.append(result)
                print(_row(result), file=sys.stderr, flush=True)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    (HERE / "results.json").write_text(json.dumps([r.as_dict() for r in results], indent=2) + "\n", encoding="utf-8")
    table = ["| benchmark | figure | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    table += [_row(r) for r in results]
    (HERE / "results.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    print("\n".join(table))
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _row(r: Result) -> str:
    sign = ">= " if r.higher_is_better else "<= "
    targets = [sign + f"{r.target:g}x"] if r.target is not None else []
    targets += [sign + f"{r.limit:g} {r.unit}"] if r.limit is not None else []
    target = ", ".join(targets)
    met = {None: "", True: "yes", False: "NO"}[r.meets_target]
    return (
        f"| {r.name} | {r.figure:,.4g} {r.unit} | {r.baseline_name}: {r.baseline:,.4g} {r.unit} "
        f"| {r.ratio:.2f}x | {target} | {met} |"
    )


if __name__ == "__main__":
    sys.exit(main())
