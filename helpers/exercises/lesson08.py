"""Checks for lesson 08 (stop)."""

from __future__ import annotations

from typing import Any

from openai.types.chat import ChatCompletion

from helpers.exercises import Result, exercise
from helpers.fake_client import scripted_completion

__all__ = ["three_items", "ended_by", "apply_stop"]


@exercise("08.1", "The list's lines start with '1.', '2.', ...; a stop sequence of a newline followed by the "
          "fourth item's number ends the answer just before that item.")
def three_items(answer: Any) -> Result:
    if not isinstance(answer, ChatCompletion):
        return Result(False, f"expected the ChatCompletion, got {type(answer).__name__}.")
    choice = answer.choices[0]
    if choice.finish_reason != "stop":
        return Result(False, f"finish_reason is {choice.finish_reason!r}: the limit cut the list before your stop "
                      "sequence did. Raise max_completion_tokens or check the stop text.")
    lines = [line.strip() for line in (choice.message.content or "").splitlines() if line.strip()]
    if len(lines) != 3:
        return Result(False, f"the answer has {len(lines)} non-empty lines, not 3.")
    if not all(line.startswith(f"{i}.") for i, line in enumerate(lines, 1)):
        return Result(False, "the lines are not numbered '1.', '2.', '3.'; ask for a numbered list.")
    return Result(True, "three numbered items, ended by your stop sequence (finish_reason 'stop').")


@exercise("08.2", "finish_reason 'length' means the limit cut the reply; 'stop' covers both a stop sequence "
          "and a natural end; anything else (tool_calls, content_filter) is 'other'.")
def ended_by(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (ended_by).")
    cases = [
        (scripted_completion("The capital of France is Paris.", "length"), "length", "a cut answer ending in '.'"),
        (scripted_completion("1, 2, 3, ", "stop"), "stop", "a reply ended by a stop sequence"),
        (scripted_completion("", "length"), "length", "an empty answer that hit the limit"),
        (scripted_completion("All done.", "stop"), "stop", "a reply that ended by itself"),
        (scripted_completion(None, "tool_calls"), "other", "a tool call"),
        (scripted_completion("", "content_filter"), "other", "a filtered reply"),
    ]
    for response, want, what in cases:
        got = answer(response)
        if got != want:
            return Result(False, f"for {what} it returned {got!r}; expected {want!r}.")
    return Result(True, "it reads finish_reason, and keeps 'other' endings apart.")


@exercise("08.3", "Find every stop sequence in the text (str.find), keep the smallest position that is not -1, "
          "and return the text before it; a single string counts as a list of one.")
def apply_stop(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (apply_stop).")
    cases = [
        ("1, 2, 3, 4, 5", ["4", ", 3"], "1, 2", "the earliest match in the text wins, not the first in the list"),
        ("1, 2, 3", "5", "1, 2, 3", "no stop sequence in the text"),
        ("User: hi\nBot: hello\nUser: bye", "\nUser:", "User: hi\nBot: hello", "a dialogue turn"),
        ("a, b, a, b", "b", "a, ", "a stop sequence that occurs twice (the first one ends the reply)"),
        ("The capital is Paris.", "Par", "The capital is ", "a stop inside a word"),
    ]
    for text, stops, want, what in cases:
        got = answer(text, stops)
        if got != want:
            return Result(False, f"{what}: apply_stop({text!r}, {stops!r}) returned {got!r}, expected {want!r}.")
    return Result(True, "it cuts where the API would: at the earliest stop sequence, which is not returned.")
