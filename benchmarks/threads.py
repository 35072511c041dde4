"""Thread default: the llama.cpp thread count to use, 48 live tokens on a quiet and a busy machine.

For each thread count 1..cores, a fresh process loads the local model with that many
threads and times 48 generated tokens (prompt evaluation included, as a learner waits
for it), median of 3 after a warm-up. That runs twice: on a quiet machine, and with two
other CPU-bound processes running (a learner's browser and anything else). llama.cpp's
threads spin while they wait for each other, so with all cores and other work on the
machine every token waits for a descheduled thread. The choice is the count that is
within 1.5x of the best in both conditions (the smallest such count if several are);
PASS when ``helpers.local.model.default_threads()`` on this machine equals it. The table
also goes to ``benchmarks/results/threads.json`` ({"quiet"|"busy": {threads: seconds}}).

Left out: counts above the number of cores, batch sizes (``WORKBOOK_N_BATCH``), and
what the other processes are (two busy loops stand for them).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

NAME = "threads"
REPO = harness.REPO
THREADS_JSON = REPO / "benchmarks" / "results" / "threads.json"
TOKENS, REPEATS, TARGET = 48, 3, 1.5
TITLE = (f"Thread default: {TOKENS} live tokens, median of {REPEATS}, quiet vs 2 CPU-bound processes "
         f"running, 1..{os.cpu_count() or 1} threads")
LEGEND = f"choice: the smallest count within {TARGET}x of the best in both conditions"

CHILD = r"""
import json, sys, time
from llama_cpp import Llama
from helpers.local.model import gguf_path
threads = int(sys.argv[1])
llm = Llama(model_path=str(gguf_path()), n_ctx=2048, n_threads=threads, n_threads_batch=threads,
            verbose=False)
prompt = llm.tokenize(b"<|im_start|>system\nYou are a storyteller.<|im_end|>\n<|im_start|>user\n"
                      b"Begin a story about a robot who learns to paint.<|im_end|>\n<|im_start|>assistant\n",
                      add_bos=False, special=True)
def once(seed):
    llm.set_seed(seed)
    llm.reset()
    start, count = time.perf_counter(), 0
    for _ in llm.generate(prompt, top_k=0, top_p=1.0, min_p=0.0, temp=1.0, repeat_penalty=1.0, reset=True):
        count += 1
        if count >= TOKENS:
            break
    return time.perf_counter() - start
once(0)
print(json.dumps([once(seed) for seed in range(1, REPEATS + 1)]))
""".replace("TOKENS", str(TOKENS)).replace("REPEATS", str(REPEATS))

HOG = "import time\nend = time.time() + 600\nwhile time.time() < end: pass\n"


def measure(threads: int) -> float:
    """Median seconds for 48 tokens with ``threads`` llama.cpp threads, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", CHILD, str(threads)], capture_output=True, text=True,
                         env=env, timeout=600, check=True).stdout
    return statistics.median(json.loads(out.strip().splitlines()[-1]))


def table(counts: list[int]) -> dict[str, dict[int, float]]:
    """Seconds per condition and thread count (conditions interleaved per count)."""
    result: dict[str, dict[int, float]] = {"quiet": {}, "busy": {}}
    for threads in counts:
        result["quiet"][threads] = measure(threads)
        hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
        try:
            result["busy"][threads] = measure(threads)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
    return result


def choose(result: dict[str, dict[int, float]], target: float = TARGET) -> int | None:
    """The smallest thread count within ``target`` x of the best in every condition."""
    counts = sorted(next(iter(result.values())))
    best = {cond: min(times.values()) for cond, times in result.items()}
    ok = [t for t in counts if all(result[c][t] <= target * best[c] for c in result)]
    return ok[0] if ok else None


def report(result: dict[str, dict[int, float]]) -> list[str]:
    """The table: seconds and times the best, per thread count and condition."""
    lines = [f"{'threads':>8}  {'quiet s':>8}  {'x best':>6}  {'busy s':>8}  {'x best':>6}"]
    best = {cond: min(times.values()) for cond, times in result.items()}
    for t in sorted(result["quiet"]):
        q, b = result["quiet"][t], result["busy"][t]
        lines.append(f"{t:>8}  {q:8.2f}  {q / best['quiet']:6.2f}  {b:8.2f}  {b / best['busy']:6.2f}")
    return lines


def run(ctx: harness.Context) -> list[harness.Result]:
    """The table for 1..cores threads, and whether the default equals the measured choice."""
    from helpers.local.model import default_threads

    result = table(list(range(1, (os.cpu_count() or 1) + 1)))
    for line in report(result):
        ctx.note(line)
    THREADS_JSON.parent.mkdir(parents=True, exist_ok=True)
    THREADS_JSON.write_text(json.dumps(result, indent=1))
    chosen = choose(result)
    return [harness.Result("helpers.local.model.default_threads() vs the choice", default_threads(), "threads",
                           chosen, "==",
                           notes=[f"choice within {TARGET}x of the best in both: {chosen}"],
                           figures={"default": default_threads()} | ({"chosen": chosen} if chosen else {}),
                           samples=result)]
