"""Checks for lesson 06 (top_p)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.exercises import Result, exercise
from helpers.exercises._shapes import same_text_pair
from helpers.explorer import nucleus

__all__ = ["kept_tokens", "greedy_by_top_p"]

PROBS = {"blue": 0.45, "red": 0.25, "green": 0.15, "purple": 0.10, "black": 0.05}


@exercise("06.1", "Sort by probability and add them up from the top: keep tokens until the running "
          "total reaches 0.8 (the token that crosses 0.8 is kept).")
def kept_tokens(answer: Any) -> Result:
    mask = nucleus(np.array(list(PROBS.values())), 0.8)
    want = {t for t, keep in zip(PROBS, mask, strict=True) if keep}
    got = set(answer) if isinstance(answer, list | set | tuple) else None
    if got is None:
        return Result(False, "answer with a list of tokens, e.g. ['blue', ...].")
    if got == want:
        return Result(True, f"{sorted(want)}: {sum(PROBS[t] for t in want):.2f} of the mass, "
                      "the smallest set reaching 0.8.")
    if got < want:
        return Result(False, f"those hold only {sum(PROBS[t] for t in got):.2f} of the mass; keep adding until 0.8.")
    return Result(False, "that is more than the smallest set reaching 0.8.")


@exercise("06.2", "Leave temperature at its default and make top_p so small that only the single most "
          "likely token survives the cut.")
def greedy_by_top_p(answer: Any) -> Result:
    return same_text_pair(answer, "06.2", "the answers differ: the nucleus still holds more than one token.",
                          "identical with no seed: a tiny nucleus keeps only the top token, like T=0.")
