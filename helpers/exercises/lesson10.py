"""Checks for lesson 10 (seed)."""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion

from helpers.exercises import Result, exercise
from helpers.fake_client import completion

__all__ = ["same_seed_same_text", "reproducible"]


@exercise("10.1", "Two calls with the same seed and the same parameters, at temperature 1 or more.")
def same_seed_same_text(answer: Any) -> Result:
    if not (isinstance(answer, tuple | list) and len(answer) == 2
            and all(isinstance(r, ChatCompletion) for r in answer)):
        return Result(False, "pass the two responses as a pair: check('10.1', (first, second)).")
    a, b = answer
    if a.choices[0].message.content != b.choices[0].message.content:
        return Result(False, "the texts differ: use the same seed (and the same everything else) in both calls.")
    if a.system_fingerprint != b.system_fingerprint:
        return Result(False, "the texts match but the fingerprints differ, which should not happen on one backend.")
    return Result(True, f"same seed, same fingerprint ({a.system_fingerprint}), same text.")


@exercise("10.2", "Compare .choices[0].message.content and .system_fingerprint; return True only if both "
          "are equal, and report a fingerprint change separately from a text change.")
def reproducible(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (reproducible).")
    same = completion("hello", fingerprint="fp_a"), completion("hello", fingerprint="fp_a")
    text = completion("hello", fingerprint="fp_a"), completion("bye", fingerprint="fp_a")
    backend = completion("hello", fingerprint="fp_a"), completion("hello", fingerprint="fp_b")
    for (a, b), want, what in [(same, True, "identical"), (text, False, "different texts"),
                               (backend, False, "different fingerprints")]:
        if bool(answer(a, b)) is not want:
            return Result(False, f"for two responses with {what} it returned {answer(a, b)!r}.")
    return Result(True, "it treats a fingerprint change as 'not reproducible', as OpenAI's docs advise.")
