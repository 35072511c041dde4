"""nbval time per notebook: ``pytest --nbval`` on each lesson against an empty notebook; target <= 1.5x.

A: ``pytest --nbval`` on one notebook (strict replay, local backend, no key: the
environment of ``make test``). B: the same command on an empty notebook (one ``pass``
cell) under the same pytest configuration. Wall time per run, in a subprocess each.
The paired plan interleaves each notebook with its own empty-notebook runs; when that
would not finish within the run's time budget (counted from the start of
``benchmarks/run.py``), the shared plan runs the empty notebook once per round alongside
every notebook, and every ratio uses those runs. A failed nbval run makes its row INVALID.

Left out: the workbook copies, pytest-xdist (one notebook at a time here), and the
kernel's memory (``memory``). The module is not called ``nbval`` so that it never
shadows the nbval plugin when this folder is on ``sys.path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

NAME = "nbval"
NBVAL_ROUNDS = 3  # runs per side (per notebook when paired)
TITLE = (f"nbval: median wall time per notebook ({NBVAL_ROUNDS} runs per side, "
         "WORKBOOK_REPLAY=strict, WORKBOOK_BACKEND=local)")
LEGEND = "A: pytest --nbval <notebook>   B: the same command on an empty notebook (one `pass` cell)"

REPO = harness.REPO
TIME_BUDGET = 330.0  # seconds from the start of the run; the nbval plan adapts to what is left
NBVAL_EXPECTED_RATIO = 1.4  # for planning only: a notebook's time over the empty one's
EMPTY_NAME = "(empty notebook)"
NBVAL_ENV = {"WORKBOOK_REPLAY": "strict", "WORKBOOK_BACKEND": "local"}
NBVAL_UNSET = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WORKBOOK_MODEL")


def write_empty_notebook(folder: Path) -> Path:
    """A notebook with one code cell, ``pass``, on the same kernel as the lessons."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def nbval_env() -> dict[str, str]:
    """The environment of ``make test``: no key, local backend, strict replay."""
    env = {k: v for k, v in os.environ.items() if k not in NBVAL_UNSET}
    return env | NBVAL_ENV


def run_nbval(notebook: Path, sanitize: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """(wall seconds, exit code, pytest's summary line) for one nbval run.

    ``--rootdir``/``-c`` pin pytest's configuration so the empty notebook (in a temp
    folder) runs under exactly the settings the lessons do.
    """
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(REPO),
           "-c", str(REPO / "pyproject.toml"), "--nbval", "--nbval-current-env",
           "--nbval-sanitize-with", str(sanitize), str(notebook)]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line.strip("= ") for line in done.stdout.splitlines() if line.strip()]
    return seconds, done.returncode, lines[-1] if lines else done.stderr.strip()[-200:]


class NbvalRunner:
    """Runs nbval on notebooks and keeps every run's exit code and pytest summary."""

    def __init__(self, sanitize: Path, env: dict[str, str]):
        self.sanitize, self.env = sanitize, env
        self.failures: dict[str, list[str]] = {}

    def side(self, notebook: Path, name: str | None = None) -> Callable[[], float]:
        """A callable that runs nbval on ``notebook`` once and returns its wall time."""

        def run() -> float:
            seconds, code, summary = run_nbval(notebook, self.sanitize, self.env)
            if code != 0:
                self.failures.setdefault(name or notebook.name, []).append(f"rc={code}: {summary}")
            print(f"    {notebook.name}: {seconds:.2f} s ({summary})", file=sys.stderr, flush=True)
            return seconds

        return run


def nbval_result(name: str, runs: list[float], empty_runs: list[float], runner: NbvalRunner) -> harness.Result:
    """One notebook's runs against the empty notebook's."""
    failed = runner.failures.get(name, []) + runner.failures.get(EMPTY_NAME, [])
    notes = [f"runs (s): notebook {', '.join(f'{s:.2f}' for s in runs)}; "
             f"empty {', '.join(f'{s:.2f}' for s in empty_runs)}"]
    if failed:
        notes.append(f"nbval FAILED in {len(failed)} run(s): {failed[0]}")
    return harness.ab(name, runs, empty_runs, 1.5, "<=", side_unit="s", valid=not failed, notes=notes,
                      max_spread=harness.NOISY_SPREAD)


def measure(deadline: float) -> tuple[list[harness.Result], str]:
    """nbval wall time per notebook against an empty notebook; (results, a note on the plan).

    Paired plan: each notebook alternates with its own empty runs. If that would not
    finish by ``deadline`` (perf_counter seconds), the shared plan runs the empty notebook
    once per round, alongside every notebook, and all ratios use those runs.
    """
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    sanitize = REPO / "tests" / "nbval_sanitize.cfg"
    if not notebooks or not sanitize.is_file():
        missing = "notebooks/*.ipynb" if not notebooks else "tests/nbval_sanitize.cfg"
        return [], f"skipped: {missing} does not exist yet"
    runner = NbvalRunner(sanitize, nbval_env())
    with tempfile.TemporaryDirectory(prefix="bench-nbval-") as tmp:
        empty = write_empty_notebook(Path(tmp))
        base = runner.side(empty, EMPTY_NAME)()  # warm-up: imports, kernel start; not counted
        runner.failures.clear()
        paired_cost = NBVAL_ROUNDS * len(notebooks) * (1 + NBVAL_EXPECTED_RATIO) * base
        if time.perf_counter() + paired_cost <= deadline:
            results = []
            for nb in notebooks:
                pair = {nb.name: runner.side(nb), EMPTY_NAME: runner.side(empty, EMPTY_NAME)}
                runs = harness.alternate(pair, NBVAL_ROUNDS)
                results.append(nbval_result(nb.name, runs[nb.name], runs[EMPTY_NAME], runner))
            return results, "paired plan: each notebook interleaved with its own empty-notebook runs"
        sides = {EMPTY_NAME: runner.side(empty, EMPTY_NAME)}
        sides |= {nb.name: runner.side(nb) for nb in notebooks}
        runs = harness.alternate(sides, NBVAL_ROUNDS)
    results = [nbval_result(nb.name, runs[nb.name], runs[EMPTY_NAME], runner) for nb in notebooks]
    return results, (f"shared plan (paired would take ~{paired_cost:.0f} s, over the time budget): "
                     "each round runs the empty notebook once alongside every notebook")


def run(ctx: harness.Context) -> list[harness.Result]:
    """Every notebook's nbval time against the empty notebook's, planned to the run's time budget."""
    results, note = measure(ctx.started + TIME_BUDGET)
    ctx.note(note)
    return results
