"""Checks for lesson 17 (any endpoint)."""

from __future__ import annotations

import json
from typing import Any

import openai

from helpers.exercises import Result, exercise
from helpers.fake_client import completion, usage
from helpers.settings import ENDPOINTS_PATH

__all__ = ["client_for", "probe_limit"]

ENDPOINTS = json.loads(ENDPOINTS_PATH.read_text())["endpoints"]


@exercise("17.1", "Return openai.OpenAI(base_url=endpoint['base_url'], api_key=api_key), but first raise "
          "ValueError when endpoint['base_url'] is None: never fall back to api.openai.com with another service's key.")
def client_for(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (client_for).")
    key = "test-" + "key" * 4
    for name in ("openrouter", "ollama", "vllm"):
        made = answer(ENDPOINTS[name], key)
        if not isinstance(made, openai.OpenAI):
            return Result(False, f"for {name} it returned {type(made).__name__}, not an openai.OpenAI.")
        if str(made.base_url).rstrip("/") != ENDPOINTS[name]["base_url"].rstrip("/"):
            return Result(False, f"for {name} the client points at {made.base_url}, not {ENDPOINTS[name]['base_url']}.")
        if made.api_key != key:
            return Result(False, f"for {name} the client does not use the api_key you were given.")
    try:
        made = answer(ENDPOINTS["xroute"], key)
    except ValueError:
        return Result(True, "each endpoint's own base_url and your key; an endpoint with no known URL is refused "
                      "instead of silently sending its key to api.openai.com.")
    where = getattr(made, "base_url", made)
    return Result(False, f"XRoute has no base_url in the data, and your function returned a client for {where}: "
                  "raise ValueError instead.")


class _Backend:
    """A fake backend. With ``limit`` it keeps max_completion_tokens; without, it ignores it and
    stops at its own default of 40 tokens (finish_reason "length" either way, as llama.cpp's server does)."""

    def __init__(self, limit: bool):
        self.limit, self.calls = limit, []
        self.chat = self.completions = self

    def create(self, **kwargs):
        self.calls.append(kwargs)
        cap = kwargs.get("max_completion_tokens")
        used = min(cap, 40) if (self.limit and cap) else 40
        return completion("word " * used, finish="length", usage=usage(10, used))


@exercise("17.2", "Call create(..., max_completion_tokens=3) once and return reply.usage.completion_tokens <= 3.")
def probe_limit(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (honours_limit).")
    honest, deaf = _Backend(limit=True), _Backend(limit=False)
    got_honest, got_deaf = answer(honest, "m"), answer(deaf, "m")
    if not honest.calls or "max_completion_tokens" not in honest.calls[-1]:
        return Result(False, "it never sent max_completion_tokens: the probe has to ask for a small limit.")
    if got_honest is not True:
        return Result(False, f"on a backend that honours the limit it returned {got_honest!r}.")
    if got_deaf is not False:
        return Result(False, f"on a backend that ignores the limit (40 tokens back, cut by its own default) it "
                      f"returned {got_deaf!r}: finish_reason 'length' alone proves nothing, "
                      "look at usage.completion_tokens.")
    return Result(True, "it asks for a small limit and reads usage to see whether the backend kept it.")
