"""How much a numerical setting of the local model changes its greedy text, and its speed.

Loads the embedded model once per configuration (settings as ``WORKBOOK_*`` variables
would give them, through ``helpers.local.numerics.llama_kwargs``; one thread), reads the
same 40 short chat prompts and generates 24 greedy tokens for each, then prints, per
configuration, the time and how many of the 40 texts differ from the default's. Each
configuration runs twice, in mirrored order (default, A, B, B, A, default), so a drift in
the machine's load weighs on every side alike; the time is the sum of both runs. This is
the evidence that ``make test``'s shaken configuration (``SHAKEN`` in the Makefile) really
changes what the model says, as another CPU would. Leaves out sampling and the
OpenAI-compatible layer (it drives ``Llama.generate`` directly).

    .venv/bin/python scripts/shake.py                       # default, flash attention, batch 1
    .venv/bin/python scripts/shake.py WORKBOOK_N_BATCH=2    # any setting against the default
"""

from __future__ import annotations

import sys
import time

from helpers.local.generate import END_TOKENS
from helpers.local.model import N_CTX, gguf_path
from helpers.local.numerics import llama_kwargs
from helpers.local.prompt import prompt_tokens

QUESTIONS = ["What is an API, in one sentence?", "Name three colours.", "Why is the sky blue?",
             "Write a haiku about rain.", "What is 12 times 7?", "Give me a tip for studying.", "What is Python?",
             "Describe a cat.", "Who wrote Hamlet?", "What is the capital of France?"]
SYSTEMS = ["You are a concise assistant.", "Answer briefly.", "You are a pirate.", "You are a helpful teacher."]
PROMPTS = [[{"role": "system", "content": s}, {"role": "user", "content": q}] for s in SYSTEMS for q in QUESTIONS]
TOKENS = 24


def _model(settings: dict[str, str]):
    from llama_cpp import Llama

    return Llama(model_path=str(gguf_path()), n_ctx=N_CTX, verbose=False,
                 **llama_kwargs({"WORKBOOK_THREADS": "1", **settings}, 1))


def greedy_texts(llm) -> tuple[float, list[str]]:
    """(seconds, the greedy text of every prompt) on ``llm``."""
    texts, started = [], time.perf_counter()
    for messages in PROMPTS:
        llm.reset()
        tokens: list[int] = []
        for token in llm.generate(prompt_tokens(llm, messages), top_k=1, temp=0.0, reset=True):
            if token in END_TOKENS or len(tokens) >= TOKENS:
                break
            tokens.append(token)
        texts.append(llm.detokenize(tokens).decode("utf-8", errors="ignore"))
    return time.perf_counter() - started, texts


def main(argv: list[str]) -> int:
    configs = ["default"] + ([a for a in argv if "=" in a] or ["WORKBOOK_FLASH_ATTN=1", "WORKBOOK_N_BATCH=1"])
    models = {c: _model({} if c == "default" else dict([c.split("=", 1)])) for c in configs}
    seconds: dict[str, float] = dict.fromkeys(configs, 0.0)
    texts: dict[str, list[str]] = {}
    for config in configs + configs[::-1]:  # mirrored: default, A, B, B, A, default
        spent, got = greedy_texts(models[config])
        seconds[config] += spent
        assert texts.setdefault(config, got) == got, f"{config}: two runs gave different greedy text"
    base = texts["default"]
    for config in configs:
        differ = sum(a != b for a, b in zip(texts[config], base, strict=True))
        print(f"{config:24s} {seconds[config]:6.1f} s  {seconds[config] / seconds['default']:.2f}x   "
              f"differ: {differ}/{len(base)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
