"""Checks for lesson 05 (max_tokens and max_completion_tokens)."""

from __future__ import annotations

from typing import Any

from helpers.exercises import Result, exercise
from helpers.fake_client import ScriptedClient, scripted_completion

__all__ = ["was_cut", "continue_until_done"]


@exercise("05.1", "Look at response.choices[0].finish_reason: it is 'length' exactly when the limit cut the "
          "answer. The text itself cannot tell you (a cut answer can end with a full stop).")
def was_cut(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (was_cut).")
    cases = [
        (scripted_completion("The capital of France is Paris.", "length"), True,
         "a cut answer that happens to end with a full stop"),
        (scripted_completion("1, 2, 3, 4, ", "stop"), False, "an answer ended by a stop sequence"),
        (scripted_completion("", "length", completion_tokens=64, reasoning_tokens=64), True,
         "an empty answer from a reasoning model that spent the limit on reasoning"),
        (scripted_completion(None, "tool_calls"), False, "a tool call"),
        (scripted_completion("Fine", "content_filter"), False, "a filtered answer"),
    ]
    for response, want, what in cases:
        got = answer(response)
        if bool(got) is not want:
            return Result(False, f"for {what} it returned {got!r}; expected {want}.")
    return Result(True, "it trusts finish_reason, not the look of the text.")


def _run(answer: Any, script: list[tuple[str, str]], rounds: int) -> tuple[Any, ScriptedClient, list[dict]]:
    client = ScriptedClient(script)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Tell a story."}]
    got = answer(client, messages, max_rounds=rounds, model="m", max_completion_tokens=4)
    return got, client, messages


@exercise("05.2", "Loop at most max_rounds times: call create(messages=history, **kwargs), add the piece to "
          "the text, stop when finish_reason is not 'length'; otherwise the next history is the original "
          "messages + {'role': 'assistant', 'content': text so far} + a user message asking to continue.")
def continue_until_done(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (continue_until_done).")
    got, client, messages = _run(answer, [("Once upon", "length"), (" a time", "length"), (" the end.", "stop")], 3)
    if not isinstance(got, str):
        return Result(False, f"return the whole text as a str, not {type(got).__name__}.")
    if len(client.calls) != 3:
        return Result(False, f"two cut pieces and a final one need 3 calls; it made {len(client.calls)}.")
    if got != "Once upon a time the end.":
        return Result(False, f"the pieces joined give 'Once upon a time the end.', it returned {got!r}.")
    if any(c.get("model") != "m" or c.get("max_completion_tokens") != 4 for c in client.calls):
        return Result(False, "pass the other keyword arguments (model, max_completion_tokens...) to every call.")
    second = client.calls[1].get("messages") or []
    if second[:2] != messages or second[-1].get("role") != "user":
        return Result(False, "the second call should send the original messages, then the partial answer, "
                      "then a user message asking to continue.")
    if not any(m.get("role") == "assistant" and "Once upon" in (m.get("content") or "") for m in second):
        return Result(False, "the second call does not send the partial answer back as an assistant message.")
    if len(messages) != 2:
        return Result(False, "it changed the caller's messages list; build a new list for each call.")
    _, client, _ = _run(answer, [("a", "length")] * 5, 2)
    if len(client.calls) != 2:
        return Result(False, f"with max_rounds=2 it made {len(client.calls)} calls; stop after max_rounds.")
    got, client, _ = _run(answer, [("Whole.", "stop")], 3)
    if len(client.calls) != 1 or got != "Whole.":
        return Result(False, "an answer that was not cut needs no second call.")
    return Result(True, "it continues cut answers, passes the settings on, and knows when to stop.")
