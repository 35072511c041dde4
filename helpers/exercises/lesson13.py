"""Checks for lesson 13 (presence/frequency penalties, logit_bias)."""

from __future__ import annotations

from typing import Any

from helpers.exercises import Result, exercise
from helpers.textstats import repeated_share

__all__ = ["repetition_measure", "ban_paris"]


@exercise("13.1", "Lower-case the words, then 1 - (number of distinct words) / (number of words).")
def repetition_measure(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (repeated).")
    for text in ["the cat and the hat", "tree tree tree tree", "all different words here", "Go go GO"]:
        got, want = answer(text), repeated_share(text)
        if got is None or abs(float(got) - want) > 1e-9:
            return Result(False, f"for {text!r} it returned {got!r}, expected {want:.3f}.")
    return Result(True, "0 for all-different words, near 1 for one word over and over.")


@exercise("13.2", "logit_bias maps token ids, as strings, to a bias; -100 bans a token. Use the ids that "
          "token_ids(' Paris') returns.")
def ban_paris(answer: Any, ids: list[int] | None = None) -> Result:
    if ids is None:
        return Result(False, "pass the token ids too: check('13.2', bias, ids=token_ids(' Paris')).")
    if not isinstance(answer, dict):
        return Result(False, "logit_bias is a dict, e.g. {'1234': -100}.")
    want = {str(i) for i in ids}
    if set(map(str, answer)) != want:
        return Result(False, f"its keys should be exactly the ids {sorted(want)} (as strings).")
    if any(v != -100 for v in answer.values()):
        return Result(False, "to ban a token its bias must be -100 (the minimum).")
    return Result(True, "every token of ' Paris' is banned.")
