"""Which llama.cpp thread count to use by default: 48 live tokens, quiet and busy machine.

For each thread count 1..cores, a fresh process loads the local model with that many
threads and times 48 generated tokens (prompt evaluation included, as a learner waits
for it), median of 3 after a warm-up. That runs twice: on a quiet machine, and with two
other CPU-bound processes running (a learner's browser and anything else). llama.cpp's
threads spin while they wait for each other, so with all cores and other work on the
machine every token waits for a descheduled thread. The default is the count that is
within 1.5x of the best in both conditions (the smallest such count if several are);
``helpers.local.model.default_threads`` must agree, and this report says if it does not.

    python benchmarks/threads.py          # also part of `make bench`
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOKENS, REPEATS, TARGET = 48, 3, 1.5

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


def report(result: dict[str, dict[int, float]]) -> tuple[int | None, list[str]]:
    from helpers.local.model import default_threads

    lines = [f"{'threads':>8}  {'quiet s':>8}  {'x best':>6}  {'busy s':>8}  {'x best':>6}"]
    best = {cond: min(times.values()) for cond, times in result.items()}
    for t in sorted(result["quiet"]):
        q, b = result["quiet"][t], result["busy"][t]
        lines.append(f"{t:>8}  {q:8.2f}  {q / best['quiet']:6.2f}  {b:8.2f}  {b / best['busy']:6.2f}")
    chosen = choose(result)
    current = default_threads()
    verdict = "PASS" if chosen is not None and current == chosen else "MISS"
    lines.append(f"choice within {TARGET}x of the best in both: {chosen}; "
                 f"helpers.local.model.default_threads() on this machine: {current}  {verdict}")
    return chosen, lines


def main() -> int:
    cores = os.cpu_count() or 1
    print(f"Thread default: {TOKENS} live tokens, median of {REPEATS}, quiet vs 2 CPU-bound processes "
          f"running ({cores} cores)")
    result = table(list(range(1, cores + 1)))
    _, lines = report(result)
    print("\n".join(lines))
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "threads.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
