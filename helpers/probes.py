"""Measure which chat.completions parameters a backend honours, by calling it.

Covers one probe per parameter: a small call (or two) whose result shows whether the
parameter had its documented effect. Each probe returns a verdict ("honoured",
"ignored", "changes output", "accepted", ``CUT_OFF`` or "error: <exception>") and the
evidence. ``CUT_OFF`` means the answer hit the probe's token limit before it could show
the effect (``finish_reason="length"``): not evidence of ignoring, only of a long answer.
``measure(client, model)`` runs them all and returns a pandas DataFrame. Works with any
OpenAI-compatible client (the local backend, ``helpers.local.serve``, a gateway with a key).
Leaves out parameters whose effect cannot be seen from one response (e.g. ``user``,
``service_tier``: only "accepted" or an error is reported) and backends' documentation.

Used in lessons: 17.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import openai

__all__ = ["CUT_OFF", "PROBES", "probe", "measure"]

CUT_OFF = "cut off (finish_reason=length)"
# Room for the JSON probe's answer. Measured on the local model, seeds 1-8 at 300 tokens:
# the 4 answers that closed their object used 124 tokens in all; the other 4 were still
# writing at 300 (so CUT_OFF is a real outcome). 60 tokens cut seed 1 on another CPU.
JSON_TOKENS = 120
SYSTEM = {"role": "system", "content": "You are a concise assistant."}
ASK = [SYSTEM, {"role": "user", "content": "Describe the sea in one sentence."}]
TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def _text(reply) -> str:
    return reply.choices[0].message.content or ""


def _draw(c, model, **params) -> str:
    return _text(c.chat.completions.create(model=model, messages=ASK, max_completion_tokens=12, **params))


def _temperature(c, model):
    cold = _draw(c, model, temperature=0), _draw(c, model, temperature=0)
    hot = _draw(c, model, temperature=1.5, seed=1), _draw(c, model, temperature=1.5, seed=2)
    if cold[0] == cold[1] and hot[0] != hot[1]:
        return "honoured", "temperature=0 twice: same text; 1.5 with two seeds: different texts"
    return "ignored", "the text does not depend on temperature as documented"


def _seed(c, model):
    same = _draw(c, model, temperature=1, seed=7), _draw(c, model, temperature=1, seed=7)
    other = _draw(c, model, temperature=1, seed=8)
    if same[0] == same[1] and other != same[0]:
        return "honoured", "seed=7 twice: same text; seed=8: another text"
    return "ignored", "the text does not follow the seed"


def _limit(param: str):
    def probe(c, model):
        reply = c.chat.completions.create(model=model, messages=ASK, **{param: 3})
        used, finish = reply.usage.completion_tokens, reply.choices[0].finish_reason
        verdict = "honoured" if used <= 3 else "ignored"
        return verdict, f"{param}=3: {used} completion tokens, finish_reason={finish}"
    probe.__name__ = param
    return probe


def _n(c, model):
    reply = c.chat.completions.create(model=model, messages=ASK, n=2, max_completion_tokens=8, seed=1)
    return ("honoured" if len(reply.choices) == 2 else "ignored"), f"n=2: {len(reply.choices)} choice(s)"


def _stop(c, model):
    free = _text(c.chat.completions.create(model=model, messages=ASK, temperature=0, max_completion_tokens=16))
    words = free.split()
    if len(words) < 3:
        return "not measured", "the free answer was too short to pick a stop word"
    word = words[2]
    cut = c.chat.completions.create(model=model, messages=ASK, temperature=0, max_completion_tokens=16, stop=[word])
    ok = word not in _text(cut) and cut.choices[0].finish_reason == "stop"
    return ("honoured" if ok else "ignored"), (f"stop=[{word!r}] (3rd word of the free answer): "
                                               f"finish_reason={cut.choices[0].finish_reason}")


def _presence_penalty(c, model):
    base, pushed = (_text(c.chat.completions.create(model=model, messages=ASK, temperature=1, seed=3,
                                                    max_completion_tokens=24, presence_penalty=p)) for p in (0, 2))
    return ("changes output" if base != pushed else "ignored"), "same seed, presence_penalty 0 vs 2"


def _logprobs(c, model):
    reply = c.chat.completions.create(model=model, messages=ASK, logprobs=True, top_logprobs=2, max_completion_tokens=4)
    content = reply.choices[0].logprobs.content if reply.choices[0].logprobs else None
    if not content:
        return "ignored", "no logprobs in the response"
    return "honoured", f"{len(content)} tokens with {len(content[0].top_logprobs)} alternatives each"


def _response_format(c, model):
    messages = [{"role": "system", "content": "Reply in JSON with keys colour and hex."},
                {"role": "user", "content": "Give a colour and its hex code."}]
    reply = c.chat.completions.create(model=model, messages=messages, response_format={"type": "json_object"},
                                      max_completion_tokens=JSON_TOKENS, seed=1)
    text, finish = _text(reply), reply.choices[0].finish_reason
    try:
        json.loads(text)
        return "honoured", "json_object: the content parses as JSON"
    except ValueError:
        pass
    if finish == "length" and text.lstrip().startswith("{"):  # JSON so far, stopped by the limit
        return CUT_OFF, f"json_object: {JSON_TOKENS} tokens were not enough to close the object"
    return "ignored", f"json_object: not JSON (finish_reason={finish})"


def _tool_choice(c, model):
    messages = [SYSTEM, {"role": "user", "content": "What is the weather in Paris?"}]
    reply = c.chat.completions.create(model=model, messages=messages, tools=[TOOL], max_completion_tokens=40, seed=1,
                                      tool_choice={"type": "function", "function": {"name": "get_weather"}})
    calls = reply.choices[0].message.tool_calls or []
    named = bool(calls) and calls[0].function.name == "get_weather"
    return ("honoured" if named else "ignored"), f"named tool_choice: {len(calls)} tool call(s)"


def _include_usage(c, model):
    chunks = list(c.chat.completions.create(model=model, messages=ASK, max_completion_tokens=4, stream=True,
                                            stream_options={"include_usage": True}))
    usage = chunks[-1].usage if chunks else None
    return ("honoured" if usage else "ignored"), (f"last chunk usage: {usage.completion_tokens if usage else None} "
                                                  "completion tokens")


def _user(c, model):
    c.chat.completions.create(model=model, messages=ASK, user="learner-1", max_completion_tokens=2)
    return "accepted", "no error (its effect, abuse monitoring, is not visible in a response)"


PROBES: dict[str, Callable[[Any, str], tuple[str, str]]] = {
    "temperature": _temperature, "seed": _seed, "max_completion_tokens": _limit("max_completion_tokens"),
    "max_tokens": _limit("max_tokens"), "n": _n, "stop": _stop, "presence_penalty": _presence_penalty,
    "logprobs": _logprobs, "response_format": _response_format, "tool_choice": _tool_choice,
    "stream_options.include_usage": _include_usage, "user": _user,
}


def probe(name: str, client, model: str) -> tuple[str, str]:
    """Run one probe; an SDK error becomes the verdict ``error: <class>``."""
    try:
        return PROBES[name](client, model)
    except openai.APIError as err:
        return f"error: {type(err).__name__}", str(getattr(err, "message", err))[:80]


def measure(clients: dict[str, Any], model: str):
    """A DataFrame with one row per parameter and a verdict column (and evidence) per client."""
    import pandas as pd

    rows = []
    for name in PROBES:
        row: dict[str, str] = {"parameter": name}
        for label, client in clients.items():
            verdict, evidence = probe(name, client, model)
            row[label] = verdict
            row[f"{label}: evidence"] = evidence
        rows.append(row)
    return pd.DataFrame(rows).set_index("parameter")
