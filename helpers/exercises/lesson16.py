"""Checks for lesson 16 (tokens, costs, caching)."""

from __future__ import annotations

from typing import Any

from helpers.cost_meter import CostMeter
from helpers.exercises import Result, exercise
from helpers.fake_client import usage

__all__ = ["call_cost", "priced_stream"]

PRICE = {"input": 0.75, "cached_input": 0.075, "output": 4.50}  # dollars per 1M tokens


def _expected(prompt: int, cached: int, completion: int) -> float:
    return ((prompt - cached) * PRICE["input"] + cached * PRICE["cached_input"] + completion * PRICE["output"]) / 1e6


@exercise("16.1", "Prices are per 1M tokens. usage.prompt_tokens includes the cached ones: bill "
          "(prompt - cached) at 'input', cached at 'cached_input', completion_tokens at 'output', "
          "then divide by 1_000_000.")
def call_cost(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (call_cost).")
    for prompt, cached, completion in [(1000, 0, 200), (4096, 3072, 500), (20, 0, 0)]:
        reported = usage(prompt, completion, cached=cached, reasoning=0)
        got, want = answer(reported, PRICE), _expected(prompt, cached, completion)
        if not isinstance(got, int | float) or abs(got - want) > 1e-12:
            return Result(False, f"for {prompt} prompt tokens ({cached} cached) and {completion} completion tokens "
                          f"it returned {got!r}; expected ${want:.8f}.")
    return Result(True, "cached prompt tokens are billed at the cached rate, the rest at the input rate, "
                  "completion tokens at the output rate.")


@exercise("16.2", "Call create(..., stream=True, stream_options={'include_usage': True}) on a client made with "
          "make_client(wrap=meter) and read the stream to the end; then pass the meter.")
def priced_stream(answer: Any) -> Result:
    if not isinstance(answer, CostMeter):
        return Result(False, "pass the CostMeter itself (the one you gave to make_client(wrap=...)).")
    if not answer.calls:
        return Result(False, "the meter counted no call: make the client with make_client(wrap=meter) "
                      "and read the stream to the end.")
    last = answer.calls[-1]
    if not last.streamed:
        return Result(False, "the last call was not streamed: add stream=True.")
    if last.prompt_tokens is None or last.completion_tokens is None:
        return Result(False, "the stream carried no usage, so its cost is unknown: "
                      "add stream_options={'include_usage': True}.")
    return Result(True, f"a streamed call with usage: {last.prompt_tokens} prompt + {last.completion_tokens} "
                  "completion tokens, so it can be priced.")
