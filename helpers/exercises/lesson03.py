"""Checks for lesson 03 (messages): a valid tool exchange, and trimming a history to a budget."""

from __future__ import annotations

import copy
import json
from typing import Any

from helpers.exercises import Result, exercise
from helpers.local.validate import ApiError, validate

__all__ = ["tool_exchange", "words", "trimmer"]


@exercise("03.1", "Four messages: system, user, then an assistant message with content None and "
          "tool_calls=[{'id': 'call_1', 'type': 'function', 'function': {'name': ..., 'arguments': '<JSON text>'}}], "
          "then {'role': 'tool', 'tool_call_id': 'call_1', 'content': '<the result as text>'}.")
def tool_exchange(answer: Any) -> Result:
    if not isinstance(answer, list) or not all(isinstance(m, dict) for m in answer):
        return Result(False, "messages must be a list of dicts.")
    roles = [m.get("role") for m in answer]
    if roles != ["system", "user", "assistant", "tool"]:
        return Result(False, f"the roles are {roles}; expected ['system', 'user', 'assistant', 'tool'].")
    try:
        validate({"model": "m", "messages": answer}, "m")
    except ApiError as err:
        return Result(False, f"the API would answer 400: {err.message}")
    call = (answer[2].get("tool_calls") or [None])[0]
    try:
        json.loads(call["function"]["arguments"])
    except ValueError:
        return Result(False, "function.arguments must be JSON text, e.g. '{\"city\": \"Paris\"}'.")
    if not isinstance(answer[3].get("content"), str) or not answer[3]["content"]:
        return Result(False, "the tool message's content is the tool's result, as a non-empty string.")
    return Result(True, "the tool result answers the assistant's tool call by its id, as the API requires.")


def _history(turns: int, tool_at: int | None = None) -> list[dict]:
    messages = [{"role": "system", "content": "Be brief."}]
    for i in range(turns):
        messages.append({"role": "user", "content": f"question {i} " + "w " * 4})
        if i == tool_at:
            call = {"id": f"c{i}", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            messages += [{"role": "assistant", "content": None, "tool_calls": [call]},
                         {"role": "tool", "tool_call_id": f"c{i}", "content": "result " + "r " * 6}]
        messages.append({"role": "assistant", "content": f"answer {i} " + "w " * 6})
    return messages


def words(messages: list[dict]) -> int:
    """The stand-in token counter the check uses: one per word, plus one per message."""
    return sum(len(str(m.get("content") or "").split()) + 1 for m in messages)


@exercise("03.2", "Keep messages[0] (the system message). Split the rest into turns, each starting at a "
          "'user' message. While count(...) > budget and turns remain, drop the OLDEST turn. Return a new list.")
def trimmer(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (trim_to).")
    for turns, tool_at, budget in [(6, None, 40), (5, 1, 45), (5, 3, 30), (3, None, 1_000), (4, 0, 1)]:
        history = _history(turns, tool_at)
        original = copy.deepcopy(history)
        got = answer(history, budget, words)
        if history != original:
            return Result(False, "it changed the list it was given; build and return a new list.")
        if not isinstance(got, list) or not got or got[0] != history[0]:
            return Result(False, "the system message must stay first.")
        rest = got[1:]
        if rest != history[len(history) - len(rest):]:
            return Result(False, "what is kept should be the newest messages, in order: drop from the oldest end.")
        if rest and rest[0]["role"] != "user":
            return Result(False, f"the kept history starts with a message of role {rest[0]['role']!r}: "
                          "drop whole turns (a turn starts at a user message), so no tool result loses its tool call.")
        if words(got) > budget and rest:
            return Result(False, f"with budget {budget} it kept {words(got)} tokens: keep dropping turns.")
        kept_from = len(history) - len(rest)
        dropped_starts = [i for i in range(1, kept_from) if history[i]["role"] == "user"]
        if dropped_starts and words([history[0]] + history[dropped_starts[-1]:]) <= budget:
            return Result(False, f"with budget {budget} it dropped a turn that still fitted; stop as soon as it fits.")
    return Result(True, "oldest turns go first, the system message stays, and tool calls keep their results.")
