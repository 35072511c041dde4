"""Checks for lesson 12 (logprobs)."""

from __future__ import annotations

import math
from typing import Any

from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob

from helpers.exercises import Result, exercise
from helpers.fake_client import token_logprob

__all__ = ["first_token_probability", "p_yes"]


@exercise("12.1", "A logprob is a natural logarithm: math.exp(logprob) turns it back into a probability.")
def first_token_probability(answer: Any, logprob: float | None = None) -> Result:
    if logprob is None:
        return Result(False, "pass the logprob too: check('12.1', p_first, logprob=item.logprob).")
    want = math.exp(logprob)
    if abs(float(answer) - want) < 1e-9:
        return Result(True, f"p = e^{logprob:.3f} = {want:.4f}.")
    return Result(False, f"{answer} is not e^{logprob:.3f}.")


def _entry(pairs: list[tuple[str, float]]) -> ChatCompletionTokenLogprob:
    """A token entry from (token, probability) pairs: the first is the chosen token, all are alternatives."""
    return token_logprob(pairs[0][0], math.log(pairs[0][1]), [(t, math.log(p)) for t, p in pairs])


@exercise("12.2", "Add up exp(logprob) of every alternative whose token.strip().lower() is 'yes', do the same "
          "for 'no', and return yes / (yes + no).")
def p_yes(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (p_yes).")
    entry = _entry([("Yes", 0.5), (" yes", 0.1), ("No", 0.2), ("Maybe", 0.15), (" no", 0.05)])
    got = float(answer(entry))
    if abs(got - 0.6 / 0.85) < 1e-6:
        return Result(True, "variants merged ('Yes', ' yes'), other tokens ignored, renormalised over yes/no.")
    if abs(got - 0.5 / 0.7) < 1e-6:
        return Result(False, "close: ' yes' and ' no' (leading space) count too; strip and lower-case tokens.")
    return Result(False, f"it returned {got:.4f} for yes 0.6 vs no 0.25 (after merging variants).")
