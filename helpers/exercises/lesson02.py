"""Checks for lesson 02 (model): cost of a call, parameters for reasoning models, shutdowns."""

from __future__ import annotations

import copy
from typing import Any

from helpers.costs import Price, PriceTable, price_call
from helpers.exercises import Result, exercise
from helpers.model_catalog import shutdowns

__all__ = ["SAMPLING", "PENALTIES", "cheapest", "for_reasoning", "retiring_before"]

# OpenAI documents these for gpt-5.1 and later only with reasoning_effort="none"; older
# reasoning models (o-series, gpt-5/-mini/-nano) refuse them (see lesson 02).
SAMPLING = ("temperature", "top_p", "logprobs", "top_logprobs")
# Reported refused by o1 and o3-mini, and not in OpenAI's list for reasoning_effort="none".
PENALTIES = ("presence_penalty", "frequency_penalty")


def _table() -> PriceTable:
    prices = {
        "cheap-in": Price("cheap-in", 0.10, None, 4.00),
        "cheap-out": Price("cheap-out", 1.00, None, 0.50),
        "middle": Price("middle", 0.40, None, 1.60),
        "local": Price("local", 0.0, 0.0, 0.0, local=True),
    }
    return PriceTable(prices, "2026-01-01")


@exercise("02.1", "For each model in table.prices that is not local (price.local is False), compute "
          "price_call(model, prompt_tokens, completion_tokens, table=table); return the model with the "
          "smallest cost (min(costs, key=costs.get)).")
def cheapest(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (cheapest).")
    table = _table()
    for prompt, completion in [(100_000, 100), (100, 100_000), (10_000, 10_000)]:
        costs = {m: price_call(m, prompt, completion, table=table) for m, p in table.prices.items() if not p.local}
        want = min(costs, key=costs.get)
        got = answer(table, prompt, completion)
        if got == "local":
            return Result(False, "it picked the local model: leave out entries whose price is local "
                          "(free, not an OpenAI model).")
        if got != want:
            return Result(False, f"for {prompt} prompt and {completion} completion tokens it chose {got!r}; "
                          f"{want!r} is cheaper. Price both the input and the output tokens.")
    return Result(True, "it prices input and output tokens, so the cheapest model changes with the mix.")


@exercise("02.2", "out = dict(params); move 'max_tokens' to 'max_completion_tokens'; pop every "
          "key in PENALTIES. If a SAMPLING key is in out: extra = sampling_extra(model); when "
          "extra is not empty, out.update(extra), else pop every SAMPLING key. Leave the rest.")
def for_reasoning(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (for_reasoning).")
    sampled = {"temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "seed": 1}
    kept = {"temperature": 0.2, "top_p": 0.9, "max_completion_tokens": 50, "seed": 1}
    scored = {"logprobs": True, "top_logprobs": 3, "presence_penalty": 1, "frequency_penalty": 1,
              "n": 2}
    plain = {"max_completion_tokens": 80, "stop": ["\n"]}
    cases = [
        ((sampled, "o3"), {"max_completion_tokens": 50, "seed": 1}),
        ((sampled, "gpt-5.4-mini"), kept | {"reasoning_effort": "none"}),
        ((scored, "gpt-5-mini"), {"n": 2}),
        ((scored, "gpt-5.1"),
         {"logprobs": True, "top_logprobs": 3, "n": 2, "reasoning_effort": "none"}),
        ((plain, "gpt-5.4-mini"), plain),
    ]
    for (params, model), want in cases:
        original = copy.deepcopy(params)
        got = answer(params, model)
        if params != original:
            return Result(False, "it changed the dict it was given; work on a copy (dict(params)).")
        if got != want:
            return Result(False, f"for {original} on {model!r} it returned {got}; "
                          f"expected {want}.")
    return Result(True, "sampling parameters kept with reasoning_effort='none' where OpenAI "
                  "documents it, dropped elsewhere; penalties dropped; max_tokens renamed.")


@exercise("02.3", "shutdowns() maps an id to 'YYYY-MM-DD' (or to a note without a date). ISO dates compare "
          "as strings: keep ids whose value looks like a date and is < before; return them sorted.")
def retiring_before(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (retiring_before).")
    known = shutdowns()
    ids = ["gpt-4o-mini", "gpt-5.1-mini", "SmolLM2-135M-Instruct", "o1-mini", "gpt-4.1-nano",
           "gpt-3.5-turbo-0613", "gpt-5.4-nano", "chatgpt-4o-latest"]
    for before in ["2026-01-01", "2027-01-01", "2099-01-01"]:
        want = sorted(m for m in ids if known.get(m, "")[:1].isdigit() and known[m] < before)
        got = answer(ids, before)
        if not isinstance(got, list) or got != want:
            return Result(False, f"for shutdowns before {before} it returned {got!r}; expected {want!r} "
                          "(sorted; ids with no date, or not in the list, are left out).")
    return Result(True, "it reads the SDK's dates and leaves out ids that have none.")
