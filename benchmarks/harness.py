"""What every benchmark reports through: the result record, side-by-side measurement, the tables, the JSON.

- :class:`Result`: one figure against its target (name, value, unit, target, PASS/MISS,
  noisy flag, notes, and every number measured for it). An A/B figure (:func:`ab`) is
  the ratio of the medians of the path under test (A) and its floor (B); an absolute
  one (a median in ms, a peak in MB, a thread count) is a plain :class:`Result`.
- :func:`alternate`: the interleaved A/B measurement. The sides alternate in repetitions
  whose order flips every round, so a change in the machine's load hits both alike.
- :func:`print_table`: a benchmark's rows (with their notes), and the final summary.
- :func:`write_results`: everything into ``benchmarks/results/latest.json`` (git-ignored),
  with :func:`machine` info.

Left out: what is measured and how (each benchmark's own module), which benchmarks exist
and the command line (``benchmarks/run.py``).
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
NOISY_SPREAD = 1.5  # a side whose slowest run takes 1.5x its fastest is flagged "noisy"

# How a value in each unit is printed; targets print with :g ("<50 ms", "<=1.25x").
FORMATS = {"x": "{:.2f}x", "us": "{:.1f} us", "ms": "{:.1f} ms", "s": "{:.2f} s", "tok/s": "{:.1f} tok/s",
           "MB": "{:.0f} MB", "threads": "{:.0f}"}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda v, t: v < t, "<=": lambda v, t: v <= t, ">": lambda v, t: v > t, ">=": lambda v, t: v >= t,
    "==": lambda v, t: v == t,
}


@dataclass
class Result:
    """One figure held against its target.

    ``value`` is what the target judges (for an A/B figure the ratio A/B, unit ``"x"``);
    ``better`` says how (``"<"``, ``"<="``, ``">"``, ``">="``, ``"=="``). No target (``None``)
    or a value that is not a number (NaN: nothing measured) is a MISS. ``figures`` holds
    every number measured for the row, ``samples`` the raw runs; both go to the JSON.
    """

    name: str
    value: float | None
    unit: str
    target: float | None
    better: str
    notes: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    samples: dict[str, Any] = field(default_factory=dict)
    informational: bool = False  # shown, but its PASS/MISS is no verdict on the code
    valid: bool = True  # False: the measurement itself went wrong (different bytes, a failed run)
    noisy: bool = False  # the runs spread too widely to trust the figure
    side_unit: str | None = None  # A/B figures: the unit of each side's median, and its scale
    side_scale: float = 1.0
    benchmark: str = ""  # which benchmark made it (set by benchmarks/run.py)
    error: str | None = None  # the benchmark raised instead of measuring

    def __post_init__(self) -> None:
        if self.better not in COMPARE:
            raise ValueError(f"better must be one of {', '.join(COMPARE)}, not {self.better!r}")

    @property
    def passed(self) -> bool:
        if self.error or self.target is None or self.value is None or math.isnan(self.value):
            return False
        return COMPARE[self.better](self.value, self.target)

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if not self.valid:
            return "INVALID"
        verdict = ("PASS" if self.passed else "MISS") + (", noisy" if self.noisy else "")
        return f"info ({verdict})" if self.informational else verdict

    def shown(self) -> str:
        """The value as printed."""
        if self.value is None:
            return "-"
        return FORMATS.get(self.unit, "{:g} " + self.unit).format(self.value)

    def shown_target(self) -> str:
        """The target as printed: ``<=1.25x``, ``<50 ms``, ``==2``."""
        if self.target is None:
            return "none"
        unit = {"x": "x", "threads": ""}.get(self.unit, f" {self.unit}")
        return f"{self.better}{self.target:g}{unit}"

    def side(self, key: str) -> str:
        """One side's median in its own unit (A/B figures only), else blank."""
        if self.side_unit is None or key not in self.figures:
            return ""
        return f"{self.figures[key] * self.side_scale:.1f} {self.side_unit}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"passed": self.passed, "verdict": self.verdict}


def ab(name: str, a: list[float], b: list[float], target: float, better: str, *, side_unit: str,
       side_scale: float = 1.0, informational: bool = False, valid: bool = True, notes: list[str] | None = None,
       max_spread: float | None = None) -> Result:
    """An A/B figure: the ratio of the medians of A (the path under test) and B (its floor).

    With ``max_spread``, the figure is flagged noisy when either side's slowest run is more
    than ``max_spread`` times its fastest.
    """
    a_median, b_median = statistics.median(a), statistics.median(b)
    noisy = max_spread is not None and any(max(side) > max_spread * min(side) for side in (a, b))
    return Result(name, a_median / b_median, "x", target, better, notes=list(notes or []),
                  figures={"a_median": a_median, "b_median": b_median, "ratio": a_median / b_median},
                  samples={"a": list(a), "b": list(b)}, informational=informational, valid=valid, noisy=noisy,
                  side_unit=side_unit, side_scale=side_scale)


@dataclass
class Context:
    """What a benchmark's ``run`` gets: when the whole run started, and a place for notes."""

    started: float  # time.perf_counter() at the start of benchmarks/run.py
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Print a line under the benchmark's heading now, and keep it for the JSON."""
        print(f"  {text}", flush=True)
        self.notes.append(text)


# -- measuring --------------------------------------------------------------------------------
def alternate(sides: dict[str, Callable[[], float]], rounds: int, block: int = 1, *,
              deadline: float | None = None, min_rounds: int = 1) -> dict[str, list[float]]:
    """Run each side ``block`` times per round, sides alternating and the order flipping each round.

    Each callable returns its own measurement (seconds, tokens/s...), collected per side.
    Past ``deadline`` (a perf_counter time) no new round starts once ``min_rounds`` are done.
    """
    names = list(sides)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        if deadline is not None and r >= min_rounds and time.perf_counter() > deadline:
            break
        for name in names if r % 2 == 0 else names[::-1]:
            gc.collect()
            samples[name].extend(sides[name]() for _ in range(block))
    return samples


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    """A callable that runs ``fn`` once and returns its wall time in seconds."""

    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return run


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of a[i]/b[i]: each pair ran back to back, so it shares the machine's load."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# -- reporting --------------------------------------------------------------------------------
def table(results: list[Result], *, with_benchmark: bool = False, with_notes: bool = True) -> list[str]:
    """The rows of a report table: A and B medians (A/B figures), the value, the target, the verdict."""
    head = (["benchmark"] if with_benchmark else []) + ["figure", "A", "B", "measured", "target", "result"]
    rows = [([r.benchmark] if with_benchmark else []) + [r.name, r.side("a_median"), r.side("b_median"),
                                                         r.shown(), r.shown_target(), r.verdict]
            for r in results]
    keep = [i for i, name in enumerate(head) if name not in ("A", "B") or any(row[i] for row in rows)]
    head, rows = [head[i] for i in keep], [[row[i] for i in keep] for row in rows]  # no empty A/B columns
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    left = 2 if with_benchmark else 1  # benchmark and figure names are left-aligned, the numbers right

    def line(cells: list[str]) -> str:
        parts = [c.ljust(w) if i < left or i == len(cells) - 1 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  " + "  ".join(parts).rstrip()

    lines = [line(head)]
    for result, row in zip(results, rows, strict=True):
        lines.append(line(row))
        if with_notes:
            lines.extend(f"      {note}" for note in result.notes)
            if result.error:
                lines.append(f"      {result.error}")
    return lines


def print_table(results: list[Result], **options: bool) -> None:
    print("\n".join(table(results, **options)), flush=True)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import llama_cpp
    import openai

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
            "openai": openai.__version__, "llama_cpp": llama_cpp.__version__}


def busy_note(info: dict[str, Any]) -> str:
    """One line on the machine, with a warning when other processes already keep it busy."""
    load, cpus = info["loadavg"][0], info["cpus"] or 1
    line = f"Machine: {cpus} CPUs, load average {load:.2f} (1 min) before starting."
    if load > cpus / 2:
        line += (" WARNING: other processes are busy; llama.cpp's threads then stall and "
                 "the figures (generation above all) get noisy. Re-run on a quiet machine.")
    return line


def write_results(report: dict[str, Any], path: Path | None = None) -> Path:
    """Write the run's report (machine, every benchmark's results and notes) as JSON (to :data:`RESULTS`)."""
    path = path or RESULTS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return path
