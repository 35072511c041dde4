"""A check shared by lessons 04 and 06: two responses whose texts should be the same.

Covers :func:`same_text_pair`. Leaves out building SDK objects for checks: every one of
those comes from ``helpers.fake_client`` (``completion``, ``chunk``, ``usage``, ...).
"""

from __future__ import annotations

from openai.types.chat import ChatCompletion

__all__ = ["same_text_pair"]


def same_text_pair(answer: object, exercise_id: str, differ: str, same: str):
    """Check a pair of responses whose texts should be identical; returns a Result."""
    from helpers.exercises import Result

    if not (isinstance(answer, tuple | list) and len(answer) == 2
            and all(isinstance(r, ChatCompletion) for r in answer)):
        return Result(False, f"pass the two responses as a pair: check('{exercise_id}', (first, second)).")
    first, second = (r.choices[0].message.content for r in answer)
    return Result(False, differ) if first != second else Result(True, same)

