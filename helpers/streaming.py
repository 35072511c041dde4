"""Read a streamed chat completion: rebuild the message, time it, show it live.

Covers :func:`collect` (rebuilds choice 0 of a ``stream=True`` response from its
``ChatCompletionChunk`` deltas: role, text, ``finish_reason``, tool calls joined by their
``index``, ``usage`` from a ``stream_options={"include_usage": True}`` stream, and the time
to first token and in total) and :func:`stream_to_display`, which does the same while
updating one notebook output in place. Both close the stream when they stop, also when
interrupted. Leaves out ``n > 1`` (other choices are skipped), logprobs, refusals, async
streams and the SDK's own ``client.chat.completions.stream()`` helper (lesson 09 shows it).

    result = stream_to_display(client.chat.completions.create(..., stream=True))
    messages.append(result.message())

Used in lessons: 09.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionChunk

from helpers.messages import assistant_turn

__all__ = ["StreamResult", "collect", "stream_to_display"]


@dataclass
class StreamResult:
    """What a stream said (choice 0), and how long it took."""

    text: str = ""
    role: str | None = None
    finish_reason: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: CompletionUsage | None = None
    chunks: int = 0
    first_token_s: float | None = None  # start -> first text or tool-call delta; None if none came
    total_s: float = 0.0  # start -> last chunk read

    def message(self) -> dict[str, Any]:
        """The assistant message to append to the history for the next request (``helpers.messages``)."""
        return assistant_turn(self.text or None, self.tool_calls, role=self.role or "assistant")


def _add_tool_calls(calls: dict[int, dict[str, Any]], deltas: Iterable[Any]) -> None:
    """Join tool-call fragments by index: the first brings id and name, later ones more arguments."""
    for d in deltas:
        call = calls.setdefault(d.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
        if d.id:
            call["id"] = d.id
        if d.type:
            call["type"] = d.type
        if d.function is not None:
            call["function"]["name"] += d.function.name or ""
            call["function"]["arguments"] += d.function.arguments or ""


def collect(chunks: Iterable[ChatCompletionChunk], *, started: float | None = None,
            on_text: Callable[[str], None] | None = None,
            clock: Callable[[], float] = time.perf_counter) -> StreamResult:
    """Read a stream to the end and rebuild choice 0.

    ``started`` is a ``time.perf_counter()`` value taken before the request (default: when
    reading starts); ``on_text(text_so_far)`` is called after each piece of text.
    """
    result, calls = StreamResult(), {}
    start = clock() if started is None else started
    try:
        for chunk in chunks:
            result.chunks += 1
            if chunk.usage is not None:
                result.usage = chunk.usage
            for choice in chunk.choices:
                if choice.index != 0:
                    continue
                delta = choice.delta
                result.role = delta.role or result.role
                if (delta.content or delta.tool_calls) and result.first_token_s is None:
                    result.first_token_s = clock() - start
                if delta.content:
                    result.text += delta.content
                    if on_text is not None:
                        on_text(result.text)
                if delta.tool_calls:
                    _add_tool_calls(calls, delta.tool_calls)
                if choice.finish_reason is not None:
                    result.finish_reason = choice.finish_reason
    finally:
        result.total_s = clock() - start
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    result.tool_calls = [calls[i] for i in sorted(calls)]
    return result


def stream_to_display(chunks: Iterable[ChatCompletionChunk], *, started: float | None = None,
                      markdown: bool = True, every: float = 0.05) -> StreamResult:
    """Like :func:`collect`, showing the text as it arrives in one output that updates in place.

    The output is redrawn at most every ``every`` seconds, and once more at the end.
    """
    from IPython import get_ipython
    from IPython.display import Markdown, display

    if get_ipython() is None:  # a script or a test: no output to update, print the text at the end
        result = collect(chunks, started=started)
        print(result.text)
        return result

    def show(text: str) -> Any:
        return Markdown(text) if markdown else {"text/plain": text}

    raw = not markdown
    handle = display(show("…"), display_id=True, raw=raw)
    last = float("-inf")

    def update(text: str) -> None:
        nonlocal last
        if time.perf_counter() - last >= every:
            handle.update(show(text), raw=raw)
            last = time.perf_counter()

    result = collect(chunks, started=started, on_text=update)
    handle.update(show(result.text or "(no text: see finish_reason and tool_calls)"), raw=raw)
    return result
