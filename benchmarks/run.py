"""Speed benchmarks: replay overhead, generation speed and nbval time, each against its floor.

Every figure is measured side by side in one run. The path under test (A) and its floor
(B) alternate in interleaved repetitions whose order flips every round, so a change in
the machine's load hits both sides alike. The report gives each side's median, the
ratio of the medians (A/B), the target and PASS/MISS.

1. Replay: ``client.chat.completions.create`` served by ``make_client("local",
   replay="strict")`` against an ``openai.OpenAI`` whose ``httpx2.MockTransport``
   returns the very same response bytes from memory. Per-call time; target <= 1.25x.
2. Generation: tokens/s through the SDK and the local backend (``replay="off"``)
   against a bare ``Llama.generate`` loop on the same ``Llama``, prompt tokens, seed
   and sampler settings; 128 tokens on both sides. Target >= 0.9x at temperature 1; a
   second row at temperature 0.7 / top_p 0.9 shows what OpenAI-order sampling costs.
3. nbval: ``pytest --nbval`` on each notebook against the same command on an empty
   notebook (one ``pass`` cell). Wall time; target <= 1.5x.

Results also go to ``benchmarks/results/latest.json`` (git-ignored).

    make bench                                                  # all three sections
    .venv/bin/python benchmarks/run.py --only replay,generation # a subset
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import openai
    from llama_cpp import Llama

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
SECTIONS = ("replay", "generation", "nbval")
TIME_BUDGET = 330.0  # seconds for the whole run; the nbval plan adapts to what is left
NOISY_SPREAD = 1.5  # a side whose slowest run takes 1.5x its fastest is flagged "noisy"

# 1. Replay: several hundred calls per side, in interleaved blocks.
REPLAY_ROUNDS, REPLAY_BLOCK, REPLAY_WARMUP = 20, 25, 50
REPLAY_REQUEST: dict[str, Any] = {
    "messages": [
        {"role": "system", "content": "You are a concise assistant."},
        {"role": "user", "content": "Name three colours."},
    ],
    "max_completion_tokens": 32,
    "seed": 7,
}

# 2. Generation: this prompt and seed run past 128 tokens at both sampling settings on
# both sides (checked on every run below), so neither side needs EOS suppression and
# neither needs a Python logits processor for it.
GEN_ROUNDS, GEN_MIN_ROUNDS, GEN_TOKENS, GEN_SEED = 6, 2, 128, 1
GEN_BUDGET = 45.0  # seconds per row; a busy machine gets fewer rounds (never under GEN_MIN_ROUNDS)
GEN_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant who writes long, detailed answers."},
    {"role": "user", "content": "Write a long, detailed essay about the history of the Roman Empire."},
]

# 3. nbval: runs per side (per notebook when paired).
NBVAL_ROUNDS = 3
NBVAL_EXPECTED_RATIO = 1.4  # for planning only: a notebook's time over the empty one's
EMPTY_NAME = "(empty notebook)"
NBVAL_ENV = {"WORKBOOK_REPLAY": "strict", "WORKBOOK_BACKEND": "local"}
NBVAL_UNSET = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WORKBOOK_MODEL")


# -- measuring and reporting ------------------------------------------------------------------
@dataclass
class Figure:
    """One side-by-side comparison: A (the path under test) against B (its floor)."""

    label: str
    a: list[float]
    b: list[float]
    target: float
    better: str  # "<=": a lower ratio is better (times); ">=": higher is better (speeds)
    informational: bool = False
    valid: bool = True
    notes: list[str] = field(default_factory=list)
    max_spread: float | None = None  # max/min within a side above this: flag the figure as noisy

    @property
    def a_median(self) -> float:
        return statistics.median(self.a)

    @property
    def b_median(self) -> float:
        return statistics.median(self.b)

    @property
    def ratio(self) -> float:
        return self.a_median / self.b_median

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target if self.better == "<=" else self.ratio >= self.target

    @property
    def noisy(self) -> bool:
        if self.max_spread is None:
            return False
        return any(max(side) > self.max_spread * min(side) for side in (self.a, self.b))

    @property
    def result(self) -> str:
        if not self.valid:
            return "INVALID"
        verdict = ("PASS" if self.passed else "MISS") + (", noisy" if self.noisy else "")
        return f"info ({verdict})" if self.informational else verdict

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"a_median": self.a_median, "b_median": self.b_median,
                               "ratio": self.ratio, "noisy": self.noisy, "result": self.result}


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


def print_table(unit: str, scale: float, figures: list[Figure]) -> None:
    """Print a row per figure: both medians, the ratio, the target and the result."""
    width = max([6] + [len(f.label) for f in figures])
    a_head, b_head = f"A ({unit})", f"B ({unit})"
    print(f"  {'figure':<{width}}  {a_head:>10}  {b_head:>10}  {'A/B':>6}  {'target':>7}  result")
    for f in figures:
        print(f"  {f.label:<{width}}  {f.a_median * scale:>10.1f}  {f.b_median * scale:>10.1f}  "
              f"{f.ratio:>5.2f}x  {f.better}{f.target:.2f}x  {f.result}")
        for note in f.notes:
            print(f"      {note}")


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of a[i]/b[i]: each pair ran back to back, so it shares the machine's load."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@contextlib.contextmanager
def patched_env(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


# -- 1. replay overhead -----------------------------------------------------------------------
def record_one(request: dict[str, Any]) -> dict[str, Any]:
    """Record one response with ``replay="record"`` and return it as stored on disk."""
    from helpers import make_client
    from helpers.recordings import RecordingStore
    from helpers.replay import reset_counters

    make_client("local", replay="record").chat.completions.create(**request)
    reset_counters()
    files = sorted(RecordingStore().root.glob("*/*.json"))
    if len(files) != 1:
        raise RuntimeError(f"expected one recording, found {len(files)}: {files}")
    return json.loads(files[0].read_text(encoding="utf-8"))["responses"][0]


def floor_client(stored: dict[str, Any]) -> openai.OpenAI:
    """An ``openai.OpenAI`` whose MockTransport answers with the recording's status, headers, body."""
    import httpx2
    import openai

    from helpers.client import LOCAL_PLACEHOLDER_KEY
    from helpers.settings import LOCAL_BASE_URL

    status, headers = stored["status"], dict(stored["headers"])
    content = json.dumps(stored["body"]).encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, headers=headers, content=content)

    http_client = openai.DefaultHttpxClient(transport=httpx2.MockTransport(handler))
    return openai.OpenAI(api_key=LOCAL_PLACEHOLDER_KEY, base_url=LOCAL_BASE_URL, http_client=http_client)


def same_response(replay: openai.OpenAI, floor: openai.OpenAI, request: dict[str, Any]) -> bool:
    """Whether both clients receive identical status, headers and body bytes."""
    a = replay.chat.completions.with_raw_response.create(**request).http_response
    b = floor.chat.completions.with_raw_response.create(**request).http_response
    return (a.status_code, dict(a.headers), a.content) == (b.status_code, dict(b.headers), b.content)


def bench_replay() -> list[Figure]:
    """Per-call time of a strictly replayed create() against the in-memory MockTransport floor."""
    from helpers import make_client
    from helpers.settings import LOCAL_MODEL_ID

    request = {"model": LOCAL_MODEL_ID, **REPLAY_REQUEST}
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        with patched_env(WORKBOOK_RECORDINGS=f"{tmp}/recordings", WORKBOOK_CACHE=f"{tmp}/cache"):
            stored = record_one(request)
            replay = make_client("local", replay="strict")
        floor = floor_client(stored)
        identical = same_response(replay, floor, request)
        sides = {"replay": timed(lambda: replay.chat.completions.create(**request)),
                 "floor": timed(lambda: floor.chat.completions.create(**request))}
        alternate(sides, rounds=2, block=REPLAY_WARMUP // 2)
        samples = alternate(sides, rounds=REPLAY_ROUNDS, block=REPLAY_BLOCK)
    notes = [
        f"{len(samples['replay'])} calls per side in {REPLAY_ROUNDS} interleaved blocks of {REPLAY_BLOCK}",
        f"p90: replay {percentile(samples['replay'], 90) * 1e6:.1f} us, "
        f"floor {percentile(samples['floor'], 90) * 1e6:.1f} us",
        f"identical status, headers and body bytes on both sides: {'yes' if identical else 'NO'}",
    ]
    return [Figure("replay strict vs MockTransport", samples["replay"], samples["floor"], 1.25, "<=",
                   valid=identical, notes=notes)]


# -- 2. generation speed ----------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One sampling setting to compare."""

    label: str
    temperature: float
    top_p: float
    informational: bool


@dataclass
class Run:
    """One generation: how many tokens, how long, and what text."""

    tokens: int
    seconds: float
    text: str


GEN_ROWS = (
    Row("temperature 1, top_p 1", 1.0, 1.0, informational=False),
    Row("temperature 0.7, top_p 0.9 (OpenAIProcessor)", 0.7, 0.9, informational=True),
)


def sdk_generate(client: openai.OpenAI, row: Row) -> Run:
    """One create() through the SDK and the local backend; tokens counted from ``usage``."""
    from helpers.settings import LOCAL_MODEL_ID

    start = time.perf_counter()
    response = client.chat.completions.create(
        model=LOCAL_MODEL_ID, messages=GEN_MESSAGES, max_completion_tokens=GEN_TOKENS,
        seed=GEN_SEED, temperature=row.temperature, top_p=row.top_p,
    )
    seconds = time.perf_counter() - start
    return Run(response.usage.completion_tokens, seconds, response.choices[0].message.content or "")


def raw_generate(llm: Llama, prompt_tokens: list[int], row: Row) -> Run:
    """The same generation straight from llama.cpp: same tokens, seed and sampler chain.

    No Python logits processor: at temperature 1 / top_p 1 the backend uses none either.
    """
    from helpers.local.generate import END_TOKENS
    from helpers.local.model import MODEL_LOCK

    start = time.perf_counter()
    with MODEL_LOCK:
        llm.set_seed(GEN_SEED)
        llm.reset()  # evaluate the whole prompt, as the backend does
        tokens: list[int] = []
        stream = llm.generate(prompt_tokens, top_k=0, top_p=row.top_p, min_p=0.0, typical_p=1.0,
                              temp=row.temperature, repeat_penalty=1.0, reset=True)
        for token in stream:
            if token in END_TOKENS:
                break
            tokens.append(token)
            if len(tokens) >= GEN_TOKENS:
                break
        stream.close()
        text = llm.detokenize(tokens).decode("utf-8", errors="ignore")
    return Run(len(tokens), time.perf_counter() - start, text)


def recorder(runs: list[Run], fn: Callable[[], Run]) -> Callable[[], float]:
    """A callable that keeps each Run and returns its tokens/s."""

    def run() -> float:
        result = fn()
        runs.append(result)
        return result.tokens / result.seconds

    return run


def generation_figure(client: openai.OpenAI, llm: Llama, prompt_tokens: list[int], row: Row) -> Figure:
    """Interleaved SDK and raw generations at one sampling setting."""
    sdk_runs: list[Run] = []
    raw_runs: list[Run] = []
    sides = {"sdk": recorder(sdk_runs, lambda: sdk_generate(client, row)),
             "raw": recorder(raw_runs, lambda: raw_generate(llm, prompt_tokens, row))}
    alternate(sides, rounds=1)  # warm-up, not counted
    samples = alternate(sides, rounds=GEN_ROUNDS, deadline=time.perf_counter() + GEN_BUDGET,
                        min_rounds=GEN_MIN_ROUNDS)
    counted_sdk, counted_raw = sdk_runs[1:], raw_runs[1:]
    counts = sorted({r.tokens for r in counted_sdk + counted_raw})
    full = counts == [GEN_TOKENS]
    notes = [f"prompt {len(prompt_tokens)} tokens, seed {GEN_SEED}, max_completion_tokens {GEN_TOKENS}; "
             f"{len(counted_sdk)} generations per side, tokens made: {counts} "
             f"({'all full' if full else 'NOT all full: pick another prompt or seed'})",
             f"range (tok/s): A {min(samples['sdk']):.1f}-{max(samples['sdk']):.1f}, "
             f"B {min(samples['raw']):.1f}-{max(samples['raw']):.1f}; median of the ratios of "
             f"back-to-back pairs: {paired_ratio(samples['sdk'], samples['raw']):.2f}x"]
    if not row.informational:
        texts = {r.text for r in counted_sdk}
        same = len(texts) == 1 and texts == {r.text for r in counted_raw}
        notes.append(f"identical text on both sides (same tokens, same sampler): {'yes' if same else 'NO'}")
        full = full and same
    else:
        notes.append("SDK samples in OpenAI's order (Python processor), raw in llama.cpp's: texts differ")
    return Figure(f"tokens/s, {row.label}", samples["sdk"], samples["raw"], 0.9, ">=",
                  informational=row.informational, valid=full, notes=notes, max_spread=NOISY_SPREAD)


def bench_generation() -> list[Figure]:
    """Tokens/s through the SDK + local backend against raw llama.cpp on the same Llama."""
    from helpers import make_client
    from helpers.local.model import load_model
    from helpers.local.prompt import render

    llm = load_model()
    client = make_client("local", replay="off", max_retries=0)
    prompt_tokens = llm.tokenize(render(GEN_MESSAGES).encode(), add_bos=False, special=True)
    return [generation_figure(client, llm, prompt_tokens, row) for row in GEN_ROWS]


# -- 3. nbval time per notebook ---------------------------------------------------------------
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


def nbval_figure(name: str, runs: list[float], empty_runs: list[float], runner: NbvalRunner) -> Figure:
    """One notebook's runs against the empty notebook's."""
    failed = runner.failures.get(name, []) + runner.failures.get(EMPTY_NAME, [])
    notes = [f"runs (s): notebook {', '.join(f'{s:.2f}' for s in runs)}; "
             f"empty {', '.join(f'{s:.2f}' for s in empty_runs)}"]
    if failed:
        notes.append(f"nbval FAILED in {len(failed)} run(s): {failed[0]}")
    return Figure(name, runs, empty_runs, 1.5, "<=", valid=not failed, notes=notes,
                  max_spread=NOISY_SPREAD)


def bench_nbval(deadline: float) -> tuple[list[Figure], str]:
    """nbval wall time per notebook against an empty notebook; (figures, a note on the plan).

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
            figures = []
            for nb in notebooks:
                pair = {nb.name: runner.side(nb), EMPTY_NAME: runner.side(empty, EMPTY_NAME)}
                runs = alternate(pair, NBVAL_ROUNDS)
                figures.append(nbval_figure(nb.name, runs[nb.name], runs[EMPTY_NAME], runner))
            return figures, "paired plan: each notebook interleaved with its own empty-notebook runs"
        sides = {EMPTY_NAME: runner.side(empty, EMPTY_NAME)}
        sides |= {nb.name: runner.side(nb) for nb in notebooks}
        runs = alternate(sides, NBVAL_ROUNDS)
    figures = [nbval_figure(nb.name, runs[nb.name], runs[EMPTY_NAME], runner) for nb in notebooks]
    return figures, (f"shared plan (paired would take ~{paired_cost:.0f} s, over the time budget): "
                     "each round runs the empty notebook once alongside every notebook")


# -- main -------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import llama_cpp
    import openai

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
            "openai": openai.__version__, "llama_cpp": llama_cpp.__version__}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: {','.join(SECTIONS)})")
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    return args


def busy_note(info: dict[str, Any]) -> str:
    """One line on the machine, with a warning when other processes already keep it busy."""
    load, cpus = info["loadavg"][0], info["cpus"] or 1
    line = f"Machine: {cpus} CPUs, load average {load:.2f} (1 min) before starting."
    if load > cpus / 2:
        line += (" WARNING: other processes are busy; llama.cpp's threads then stall and "
                 "the figures (generation above all) get noisy. Re-run on a quiet machine.")
    return line


def section_header(title: str, legend: str) -> None:
    """Print a section's title and what A and B are, before it is measured."""
    print(f"\n{title}\n  {legend}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    report: dict[str, Any] = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                              "machine": machine(), "sections": {}}
    print(f"Benchmarks ({', '.join(args.only)}): A is the path under test, B its floor; the sides "
          "alternate in interleaved repetitions; medians shown.")
    print(busy_note(report["machine"]))

    if "replay" in args.only:
        section_header("1. Replay overhead: one chat.completions.create, median time per call",
                       "A: make_client('local', replay='strict')   B: openai.OpenAI on an "
                       "httpx2.MockTransport returning the same bytes from memory")
        figures = bench_replay()
        print_table("us", 1e6, figures)
        report["sections"]["replay"] = [f.to_json() for f in figures]

    if "generation" in args.only:
        section_header("2. Generation speed: median tokens/s, end to end (prompt evaluation included)",
                       "A: SDK + make_client('local', replay='off')   B: a Llama.generate loop on "
                       "the same Llama, prompt tokens, seed and settings")
        figures = bench_generation()
        print_table("tok/s", 1.0, figures)
        report["sections"]["generation"] = [f.to_json() for f in figures]

    if "nbval" in args.only:
        section_header(f"3. nbval: median wall time per notebook ({NBVAL_ROUNDS} runs per side, "
                       "WORKBOOK_REPLAY=strict, WORKBOOK_BACKEND=local)",
                       "A: pytest --nbval <notebook>   B: the same command on an empty notebook "
                       "(one `pass` cell)")
        figures, note = bench_nbval(started + TIME_BUDGET)
        print(f"  {note}")
        if figures:
            print_table("s", 1.0, figures)
        report["sections"]["nbval"] = {"note": note, "figures": [f.to_json() for f in figures]}

    report["total_seconds"] = time.perf_counter() - started
    report["loadavg_end"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nTotal {report['total_seconds']:.0f} s. Results: {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
