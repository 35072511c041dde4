"""Checks for lesson 04 (temperature)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.exercises import Result, exercise
from helpers.exercises._shapes import same_text_pair
from helpers.explorer import tempered
from helpers.fake_client import completion

__all__ = ["top_probability", "distinct_counter", "reproducible_without_seed"]


@exercise("04.1", "Divide every logprob by T, then softmax: np.exp(l / T) / np.exp(l / T).sum(). "
          "helpers.explorer.tempered(logprobs, 0.5) does exactly that; take the largest value.")
def top_probability(answer: Any, logprobs: Any = None) -> Result:
    if logprobs is None:
        return Result(False, "pass the candidates' logprobs too: check('04.1', p_top, logprobs=cands.logprobs).")
    expected = float(tempered(np.asarray(logprobs), 0.5).max())
    at_one = float(tempered(np.asarray(logprobs), 1.0).max())
    value = float(answer)
    if abs(value - expected) < 1e-6:
        return Result(True, f"{value:.4f}: halving T sharpens the head (it was {at_one:.4f} at T=1).")
    if abs(value - at_one) < 1e-6:
        return Result(False, f"{value:.4f} is the top probability at T=1; rescale by T=0.5 first.")
    return Result(False, f"{value:.4f} is not the top candidate's probability at T=0.5.")


@exercise("04.2", "Collect {choice.message.content for choice in response.choices} in a set and return its len().")
def distinct_counter(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (distinct), not its result.")
    cases = [(["a", "b", "a", "c"], 3), (["same"] * 5, 1), (["x", "y"], 2)]
    for texts, want in cases:
        got = answer(completion(texts))
        if got != want:
            return Result(False, f"for choices {texts} it returned {got!r}, expected {want}.")
    return Result(True, "it counts distinct answers across all the choices.")


@exercise("04.3", "With no seed, only one temperature makes every run pick the same tokens: "
          "the one where sampling always takes the most likely token.")
def reproducible_without_seed(answer: Any) -> Result:
    return same_text_pair(
        answer, "04.3", "the two answers differ: at this temperature each call draws its own sample.",
        "identical answers with no seed: greedy decoding (on OpenAI, T=0 is *nearly* deterministic; "
        "tiny numeric differences on their servers can still flip a near-tie).")
