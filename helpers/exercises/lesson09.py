"""Checks for lesson 09 (stream), on synthetic ``ChatCompletionChunk`` streams (no model call)."""

from __future__ import annotations

from typing import Any

from helpers.exercises import Result, exercise
from helpers.fake_client import chunk, delta, tool_call_delta, usage

__all__ = ["rebuild_text", "first_token_index", "rebuild_tool_calls"]

USAGE = usage(12, 3)
# As OpenAI sends it: the role first (empty text), then text pieces, a finish chunk with an
# empty delta, and (with stream_options include_usage) a last chunk with no choices.
USAGE_STREAM = [chunk([delta(role="assistant", content="")]), chunk([delta(content="Bon")]),
                chunk([delta(content="jour")]), chunk([delta(content=" !")]), chunk([delta(finish="stop")]),
                chunk([], USAGE)]
EARLY_TEXT = [chunk([delta(role="assistant", content="Hi")]), chunk([delta(finish="stop")])]
NO_TEXT = [chunk([delta(role="assistant", content="")]), chunk([delta(finish="length")])]


def _call(fn: Any, chunks: list, what: str) -> tuple[Any, str | None]:
    try:
        return fn(list(chunks)), None
    except Exception as err:
        return None, f"on {what} it raised {type(err).__name__}: {err}"


@exercise("09.1", "Skip chunks whose .choices is empty (the usage chunk), and treat a None content as ''. "
          "''.join(...) over the pieces.")
def rebuild_text(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (rebuild_text).")
    for chunks, want, what in [(USAGE_STREAM, "Bonjour !", "a stream with include_usage"),
                               (NO_TEXT, "", "a stream with no text at all")]:
        got, error = _call(answer, chunks, what)
        if error:
            hint = " (the last chunk has no choices)" if chunks is USAGE_STREAM else ""
            return Result(False, error + hint)
        if got != want:
            return Result(False, f"on {what} it returned {got!r}, expected {want!r}.")
    return Result(True, "text rebuilt; the role chunk, the empty finish delta and the usage chunk are handled.")


@exercise("09.2", "Enumerate the chunks; return the first index whose chunk has choices and a non-empty "
          "delta.content (the role chunk's content is '' on OpenAI). Return None when no text comes.")
def first_token_index(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (first_token_index).")
    cases = [(USAGE_STREAM, 1, "a stream whose first chunk carries only the role"),
             (EARLY_TEXT, 0, "a stream whose first chunk already carries text"),
             (NO_TEXT, None, "a stream with no text")]
    for chunks, want, what in cases:
        got, error = _call(answer, chunks, what)
        if error:
            return Result(False, error)
        if got != want:
            return Result(False, f"on {what} it returned {got!r}, expected {want!r}.")
    return Result(True, "the first token is the first chunk with text: time to first token is measured there.")


# Two parallel calls, interleaved, arguments in pieces: the way OpenAI streams them.
TOOL_STREAM = [
    chunk([delta(role="assistant", content=None)]),
    chunk([delta(tool_calls=[tool_call_delta(0, "", "call_a", "get_weather")])]),
    chunk([delta(tool_calls=[tool_call_delta(0, '{"city"')])]),
    chunk([delta(tool_calls=[tool_call_delta(1, "", "call_b", "get_time")])]),
    chunk([delta(tool_calls=[tool_call_delta(0, ': "Oslo"}')])]),
    chunk([delta(tool_calls=[tool_call_delta(1, '{"zone": ')])]),
    chunk([delta(tool_calls=[tool_call_delta(1, '"CET"}')])]),
    chunk([delta(finish="tool_calls")]),
    chunk([], USAGE),
]
WANT_CALLS = [{"id": "call_a", "name": "get_weather", "arguments": '{"city": "Oslo"}'},
              {"id": "call_b", "name": "get_time", "arguments": '{"zone": "CET"}'}]


@exercise("09.3", "Keep a dict keyed by each tool-call delta's .index. When a delta has an id, start a new "
          "entry with its id and function.name; always add function.arguments (or '') to that entry's "
          "arguments. Return the entries ordered by index.")
def rebuild_tool_calls(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (rebuild_tool_calls).")
    got, error = _call(answer, TOOL_STREAM, "two interleaved tool calls")
    if error:
        return Result(False, error)
    try:
        got = [{"id": c["id"], "name": c["name"], "arguments": c["arguments"]} for c in got]
    except (TypeError, KeyError) as err:
        return Result(False, f"return a list of dicts with 'id', 'name' and 'arguments' ({type(err).__name__}: {err}).")
    if got == WANT_CALLS:
        return Result(True, "both calls rebuilt: fragments joined by index, arguments now parse as JSON.")
    if len(got) != 2:
        return Result(False, f"there are two calls (index 0 and 1), it returned {len(got)}.")
    return Result(False, f"expected {WANT_CALLS}, got {got}.")
