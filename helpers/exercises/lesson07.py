"""Checks for lesson 07 (n)."""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion

from helpers.exercises import Result, exercise
from helpers.fake_client import completion

__all__ = ["four_choices", "best_by_logprob"]


@exercise("07.1", "One call with n=4; the response has four choices, indexed 0 to 3.")
def four_choices(answer: Any) -> Result:
    if not isinstance(answer, ChatCompletion):
        return Result(False, f"expected a ChatCompletion, got {type(answer).__name__}.")
    indices = [c.index for c in answer.choices]
    if indices != [0, 1, 2, 3]:
        return Result(False, f"the choices have indices {indices}; ask for n=4 in a single call.")
    return Result(True, f"4 choices, {answer.usage.completion_tokens if answer.usage else '?'} completion "
                  "tokens billed across all of them.")


@exercise("07.2", "For each choice, average its choice.logprobs.content[i].logprob values; return the "
          "index of the choice with the highest average.")
def best_by_logprob(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (best_choice).")
    response = completion(["a", "b", "c"], logprobs=[[-0.1], [-0.05] * 4, [-0.5, -0.5]])
    got = answer(response)
    if got != 1:
        return Result(False, f"it picked {got!r}; the choice with the highest *average* logprob is 1 "
                      "(a sum would favour short answers).")
    return Result(True, "it picks the choice the model was most confident in, per token.")
