"""Hand-built SDK objects and a stand-in client, for testing code that calls the API, offline.

Covers the one place where ``helpers`` and its tests build SDK response objects without a
model: :func:`completion` (a ``ChatCompletion``: one choice per text, with a finish reason,
per-token logprobs, tool calls, a refusal, usage and a system fingerprint as asked),
:func:`usage` (``CompletionUsage``, with cached and reasoning tokens when given),
:func:`token_logprob` (``ChatCompletionTokenLogprob`` with its alternatives),
:func:`tool_call` (a function tool call), :func:`chunk` with :func:`delta` and
:func:`tool_call_delta` (a ``ChatCompletionChunk`` of a stream, as OpenAI sends them), and
:func:`scripted_completion`. All are genuine SDK objects (``model_validate``), so code that
reads them reads what the SDK gives it. :class:`ScriptedClient` stands in for
``openai.OpenAI``: each ``chat.completions.create`` call returns the next scripted reply
and records a copy of its keyword arguments; its usage is invented but consistent (one
token per word, at least one), so sums can be checked. Leaves out streaming from the
client, errors, refusals in chunks, custom tool calls and every endpoint except
chat.completions.create.

Used in lessons: 05.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.chat.chat_completion_message_function_tool_call import ChatCompletionMessageFunctionToolCall
from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob

__all__ = ["usage", "token_logprob", "tool_call", "completion", "delta", "tool_call_delta", "chunk",
           "scripted_completion", "ScriptedClient"]

FAKE_ID, FAKE_MODEL = "chatcmpl-fake", "fake"


def usage(prompt: int, completion: int, *, cached: int | None = None,
          reasoning: int | None = None) -> CompletionUsage:
    """``CompletionUsage``; the details (cached prompt tokens, reasoning tokens) only when given."""
    fields: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion,
                              "total_tokens": prompt + completion}
    if cached is not None:
        fields["prompt_tokens_details"] = {"cached_tokens": cached}
    if reasoning is not None:
        fields["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return CompletionUsage.model_validate(fields)


def token_logprob(token: str, logprob: float,
                  top: Iterable[tuple[str, float]] = ()) -> ChatCompletionTokenLogprob:
    """One token's logprob entry, with ``top`` as its ``top_logprobs`` ``(token, logprob)`` pairs."""
    return ChatCompletionTokenLogprob.model_validate({
        "token": token, "logprob": logprob, "bytes": None,
        "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in top]})


def tool_call(name: str, arguments: str, call_id: str = "call_0") -> ChatCompletionMessageFunctionToolCall:
    """A function tool call as a message carries it (``arguments`` is the JSON text)."""
    return ChatCompletionMessageFunctionToolCall.model_validate(
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}})


def completion(texts: str | None | Sequence[str | None] = "", *, finish: str | None = None,
               logprobs: Sequence[Sequence[float]] | None = None,
               tool_calls: Sequence[tuple[str, str]] | None = None, refusal: str | None = None,
               usage: CompletionUsage | None = None, fingerprint: str | None = None,
               response_id: str = FAKE_ID, model: str = FAKE_MODEL) -> ChatCompletion:
    """A ``ChatCompletion``: one choice per text (a single text or None: one choice).

    ``finish`` is every choice's finish reason (default ``"tool_calls"`` when there are tool
    calls, else ``"stop"``); ``logprobs`` one list of per-token logprobs per choice (tokens
    named ``t0``, ``t1``…); ``tool_calls`` ``(name, arguments)`` pairs, with ids ``call_0``,
    ``call_1``…, on every choice.
    """
    texts = [texts] if texts is None or isinstance(texts, str) else list(texts)
    calls = [tool_call(n, a, f"call_{i}").model_dump() for i, (n, a) in enumerate(tool_calls or [])]
    choices = []
    for i, text in enumerate(texts):
        lp = None
        if logprobs is not None:
            lp = {"content": [token_logprob(f"t{k}", v).model_dump() for k, v in enumerate(logprobs[i])],
                  "refusal": None}
        message = {"role": "assistant", "content": text, "refusal": refusal, "annotations": []}
        if calls:
            message["tool_calls"] = calls
        choices.append({"index": i, "finish_reason": finish or ("tool_calls" if calls else "stop"), "logprobs": lp,
                        "message": message})
    return ChatCompletion.model_validate({"id": response_id, "object": "chat.completion", "created": 0, "model": model,
                                          "system_fingerprint": fingerprint, "choices": choices, "usage": usage})


def delta(index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    """One choice of a chunk: its ``delta`` holds ``fields`` (role, content, tool_calls)."""
    return {"index": index, "delta": fields, "finish_reason": finish}


def tool_call_delta(index: int, arguments: str, call_id: str | None = None, name: str | None = None) -> dict:
    """A streamed tool-call fragment: the first of a call brings its id and name, later ones more arguments."""
    call: dict[str, Any] = {"index": index, "function": {"arguments": arguments}}
    if call_id:
        call |= {"id": call_id, "type": "function"}
        call["function"]["name"] = name
    return call


def chunk(choices: list[dict], usage: CompletionUsage | None = None) -> ChatCompletionChunk:
    """A ``ChatCompletionChunk`` with these :func:`delta` choices (none, with ``usage``: the last one)."""
    return ChatCompletionChunk.model_validate({"id": FAKE_ID, "object": "chat.completion.chunk", "created": 0,
                                               "model": FAKE_MODEL, "choices": choices, "usage": usage})



def scripted_completion(text: str | None, finish_reason: str = "stop", *, prompt_tokens: int = 10,
                        completion_tokens: int | None = None, reasoning_tokens: int = 0) -> ChatCompletion:
    """One ChatCompletion with a single choice, built by hand (no model involved).

    Its usage counts one completion token per word (at least one) plus ``reasoning_tokens``,
    unless ``completion_tokens`` is given.
    """
    words = max(1, len((text or "").split()))
    spent = words + reasoning_tokens if completion_tokens is None else completion_tokens
    return completion(text, finish=finish_reason, response_id="chatcmpl-scripted", model="scripted",
                      usage=usage(prompt_tokens, spent, reasoning=reasoning_tokens))


class ScriptedClient:
    """Answers ``client.chat.completions.create(**kwargs)`` with the next ``(text, finish_reason)``.

    ``calls`` holds a deep copy of each call's keyword arguments, so a test can look
    at the messages that were sent even if the caller changes its lists afterwards.
    The prompt is counted as one token per word of all message contents.
    """

    def __init__(self, script: list[tuple[str | None, str]]) -> None:
        self.script = list(script)
        self.calls: list[dict[str, Any]] = []
        self.chat = self
        self.completions = self

    def create(self, **kwargs: Any) -> ChatCompletion:
        if len(self.calls) >= len(self.script):
            raise RuntimeError(f"the script has {len(self.script)} replies, but create() was called "
                               f"{len(self.calls) + 1} times: the loop does not stop when it should.")
        self.calls.append(copy.deepcopy(kwargs))
        text, finish = self.script[len(self.calls) - 1]
        prompt = sum(len(str(m.get("content") or "").split()) for m in kwargs.get("messages", []))
        return scripted_completion(text, finish, prompt_tokens=max(1, prompt))
