"""Generation speed: tokens/s through the SDK and the local backend against raw llama.cpp; target >= 0.9x.

A: ``client.chat.completions.create`` on ``make_client("local", replay="off")``, tokens
counted from ``usage``. B: a bare ``Llama.generate`` loop on the same ``Llama``, prompt
tokens, seed and sampler settings. 128 tokens on both sides, end to end (prompt
evaluation included), interleaved after one warm-up round, within a time budget per row.
The temperature 1 row is the verdict and checks that both sides made the same text; a
second, informational row at temperature 0.7 / top_p 0.9 shows what OpenAI-order
sampling (a Python logits processor) costs.

Left out: streaming, the first token's latency (``lessons``), thread counts (``threads``),
and any server between the SDK and the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

try:
    from benchmarks import harness
except ModuleNotFoundError:  # python benchmarks/run.py: this folder is on sys.path, the root is not
    import harness

if TYPE_CHECKING:
    import openai
    from llama_cpp import Llama

NAME = "generation"
TITLE = "Generation speed: median tokens/s, end to end (prompt evaluation included)"
LEGEND = ("A: SDK + make_client('local', replay='off')   B: a Llama.generate loop on "
          "the same Llama, prompt tokens, seed and settings")

# This prompt and seed run past 128 tokens at both sampling settings on both sides
# (checked on every run below), so neither side needs EOS suppression and neither needs a
# Python logits processor for it.
GEN_ROUNDS, GEN_MIN_ROUNDS, GEN_TOKENS, GEN_SEED = 6, 2, 128, 1
GEN_BUDGET = 45.0  # seconds per row; a busy machine gets fewer rounds (never under GEN_MIN_ROUNDS)
GEN_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant who writes long, detailed answers."},
    {"role": "user", "content": "Write a long, detailed essay about the history of the Roman Empire."},
]


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
    """One create() through the SDK and the local backend; tokens counted from ``usage``.
    The backend keeps a prompt it has read (``helpers.local.prefill``) and this one repeats:
    forgotten first, so both sides read it, as the title says."""
    from helpers.local import prefill
    from helpers.local.model import load_model
    from helpers.settings import LOCAL_MODEL_ID

    prefill.forget(load_model())
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


def generation_result(client: openai.OpenAI, llm: Llama, prompt_tokens: list[int], row: Row) -> harness.Result:
    """Interleaved SDK and raw generations at one sampling setting."""
    sdk_runs: list[Run] = []
    raw_runs: list[Run] = []
    sides = {"sdk": recorder(sdk_runs, lambda: sdk_generate(client, row)),
             "raw": recorder(raw_runs, lambda: raw_generate(llm, prompt_tokens, row))}
    harness.alternate(sides, rounds=1)  # warm-up, not counted
    samples = harness.alternate(sides, rounds=GEN_ROUNDS, deadline=time.perf_counter() + GEN_BUDGET,
                                min_rounds=GEN_MIN_ROUNDS)
    counted_sdk, counted_raw = sdk_runs[1:], raw_runs[1:]
    counts = sorted({r.tokens for r in counted_sdk + counted_raw})
    full = counts == [GEN_TOKENS]
    notes = [f"prompt {len(prompt_tokens)} tokens, seed {GEN_SEED}, max_completion_tokens {GEN_TOKENS}; "
             f"{len(counted_sdk)} generations per side, tokens made: {counts} "
             f"({'all full' if full else 'NOT all full: pick another prompt or seed'})",
             f"range (tok/s): A {min(samples['sdk']):.1f}-{max(samples['sdk']):.1f}, "
             f"B {min(samples['raw']):.1f}-{max(samples['raw']):.1f}; median of the ratios of "
             f"back-to-back pairs: {harness.paired_ratio(samples['sdk'], samples['raw']):.2f}x"]
    if not row.informational:
        texts = {r.text for r in counted_sdk}
        same = len(texts) == 1 and texts == {r.text for r in counted_raw}
        notes.append(f"identical text on both sides (same tokens, same sampler): {'yes' if same else 'NO'}")
        full = full and same
    else:
        notes.append("SDK samples in OpenAI's order (Python processor), raw in llama.cpp's: texts differ")
    return harness.ab(f"tokens/s, {row.label}", samples["sdk"], samples["raw"], 0.9, ">=", side_unit="tok/s",
                      informational=row.informational, valid=full, notes=notes, max_spread=harness.NOISY_SPREAD)


def run(ctx: harness.Context) -> list[harness.Result]:
    """Tokens/s through the SDK + local backend against raw llama.cpp on the same Llama."""
    from helpers import make_client
    from helpers.local.model import load_model
    from helpers.local.prompt import render

    llm = load_model()
    client = make_client("local", replay="off", max_retries=0)
    prompt_tokens = llm.tokenize(render(GEN_MESSAGES).encode(), add_bos=False, special=True)
    return [generation_result(client, llm, prompt_tokens, row) for row in GEN_ROWS]
