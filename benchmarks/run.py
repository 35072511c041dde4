"""Benchmarks: every figure against its target, one harness, one summary table.

The benchmarks, in the order they run (``--list`` prints them):

- ``replay``: a strictly replayed create() against an in-memory floor, <= 1.25x per call;
- ``generation``: tokens/s through the SDK + local backend against raw llama.cpp, >= 0.9x;
- ``nbval``: ``pytest --nbval`` per notebook against an empty notebook, <= 1.5x;
- ``memory``: a kernel's peak RSS with the model loaded, < 600 MB (fresh processes);
- ``lessons``: explorer redraw < 50 ms, live slider update < 1 s, first streamed text < 1 s;
- ``threads``: the thread-count table, quiet and busy (fresh processes); PASS when the
  default equals the measured choice.

Each is a module of this folder exposing ``NAME``, ``TITLE``, ``LEGEND`` and
``run(ctx) -> list[Result]`` (``benchmarks/harness.py`` holds the record, the interleaved
A/B measurement and the tables), listed once in :data:`BENCHMARKS`. Results of the run
go to ``benchmarks/results/latest.json`` (git-ignored) with the machine's details. The
exit code is 0 when every benchmark ran, whatever its verdicts (a MISS on a busy shared
machine is a report, not a failure), 1 when one raised (its row says ERROR), 2 on a bad
command line.

    make bench                                                  # all of them (~15 min)
    .venv/bin/python benchmarks/run.py --only replay,memory     # a subset
    .venv/bin/python benchmarks/run.py --list
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from types import ModuleType
from typing import Any

try:  # python -m benchmarks.run, or imported (tests)
    from benchmarks import generation, harness, lessons, memory, nbval_time, replay, threads
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import generation
    import harness
    import lessons
    import memory
    import nbval_time
    import replay
    import threads

# The one list of benchmarks, in the order they run. nbval plans its runs to a time budget
# counted from the start of the run, so it comes right after the two quick ones.
BENCHMARKS: dict[str, ModuleType] = {m.NAME: m for m in (replay, generation, nbval_time, memory, lessons, threads)}


def describe(module: ModuleType) -> str:
    """A benchmark's one-line description: the first line of its module docstring."""
    return (module.__doc__ or "").strip().splitlines()[0]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=describe(sys.modules[__name__]))
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated benchmarks to run, in any order (default: all: {','.join(BENCHMARKS)})")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = wanted - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))} (known: {', '.join(BENCHMARKS)})")
    args.only = [name for name in BENCHMARKS if name in wanted]  # always the registry's order
    return args


def list_benchmarks() -> None:
    width = max(len(name) for name in BENCHMARKS)
    for name, module in BENCHMARKS.items():
        print(f"{name:<{width}}  {describe(module)}")


def run_one(number: int, name: str, module: ModuleType, started: float) -> tuple[list[harness.Result], dict[str, Any]]:
    """Run one benchmark under its heading, print its table; an exception becomes an ERROR row."""
    print(f"\n{number}. {module.TITLE}\n  {module.LEGEND}", flush=True)
    ctx = harness.Context(started=started)
    begun = time.perf_counter()
    try:
        results = module.run(ctx)
    except Exception as exc:  # one benchmark failing must not lose the others' figures
        traceback.print_exc()
        results = [harness.Result("(did not finish)", None, "", None, "==", error=f"{type(exc).__name__}: {exc}")]
    for result in results:
        result.benchmark = name
    if results:
        harness.print_table(results)
    section = {"title": module.TITLE, "legend": module.LEGEND, "notes": ctx.notes,
               "seconds": time.perf_counter() - begun, "results": [r.to_json() for r in results]}
    return results, section


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        list_benchmarks()
        return 0
    started = time.perf_counter()
    report: dict[str, Any] = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                              "machine": harness.machine(), "benchmarks": {}}
    print(f"Benchmarks ({', '.join(args.only)}). A/B figures: A is the path under test, B its floor; "
          "the sides alternate in interleaved repetitions; medians shown.")
    print(harness.busy_note(report["machine"]))

    everything: list[harness.Result] = []
    for number, name in enumerate(args.only, 1):
        results, report["benchmarks"][name] = run_one(number, name, BENCHMARKS[name], started)
        everything.extend(results)

    report["total_seconds"] = time.perf_counter() - started
    report["loadavg_end"] = os.getloadavg()
    report["summary"] = [{"benchmark": r.benchmark, "name": r.name, "value": r.value, "unit": r.unit,
                          "target": r.target, "better": r.better, "verdict": r.verdict} for r in everything]
    path = harness.write_results(report)
    print(f"\nSummary ({len(everything)} figures, {report['total_seconds']:.0f} s)")
    if everything:
        harness.print_table(everything, with_benchmark=True, with_notes=False)
    counts = {v: sum(r.verdict.startswith(v) for r in everything) for v in ("PASS", "MISS", "INVALID", "ERROR")}
    counts["informational"] = sum(r.verdict.startswith("info") for r in everything)
    print("  " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    print(f"Results: {path.relative_to(harness.REPO) if path.is_relative_to(harness.REPO) else path}")
    return 1 if counts["ERROR"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
