"""Checks for lesson 01 (setup and first call)."""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion

from helpers.exercises import Result, exercise
from helpers.fake_client import completion

__all__ = ["short_call", "text_getter", "two_messages"]


@exercise("01.1", "Pass max_completion_tokens=5 to client.chat.completions.create(...) and "
          "hand the whole response object to check(). A cut-off answer ends with finish_reason 'length'.")
def short_call(answer: Any) -> Result:
    if not isinstance(answer, ChatCompletion):
        return Result(False, f"expected the ChatCompletion returned by create(), got {type(answer).__name__}.")
    choice = answer.choices[0]
    used = answer.usage.completion_tokens if answer.usage else None
    if used is None or used > 5:
        return Result(False, f"the answer used {used} completion tokens; limit it to 5.")
    if choice.finish_reason != "length":
        return Result(False, f"finish_reason is {choice.finish_reason!r}: the answer ended on its own "
                      "before the limit. Ask for something longer (a story, a list) so the limit cuts it.")
    return Result(True, f"{used} completion tokens and finish_reason='length': the limit cut the answer.")


@exercise("01.2", "The text is in response.choices[0].message.content. Your function must take a "
          "ChatCompletion and return that string.")
def text_getter(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (first_text), not its result.")
    got = answer(completion(["first choice", "second choice"]))
    if got != "first choice":
        return Result(False, f"on a response whose first choice says 'first choice' it returned {got!r}.")
    return Result(True, "it returns the first choice's message content.")


@exercise("01.3", "A list of two dicts: {'role': 'system', 'content': ...} first, then "
          "{'role': 'user', 'content': ...}. Both contents must be non-empty strings.")
def two_messages(answer: Any) -> Result:
    if not isinstance(answer, list) or len(answer) != 2:
        return Result(False, "messages must be a list of exactly two dicts.")
    roles = [m.get("role") if isinstance(m, dict) else None for m in answer]
    if roles != ["system", "user"]:
        return Result(False, f"the roles are {roles}; they should be ['system', 'user'].")
    if not all(isinstance(m.get("content"), str) and m["content"].strip() for m in answer):
        return Result(False, "each message needs non-empty text in 'content'.")
    return Result(True, "a system message sets the behaviour, then the user's question.")
