"""A stand-in for ``openai.OpenAI`` whose ``chat.completions.create`` answers from a script.

For testing code that calls the API (a retry loop, a continuation loop) offline and
exactly: each call returns the next scripted reply as a genuine ``ChatCompletion`` and
records a copy of its keyword arguments. Usage is invented but consistent (one token
per word, at least one), so sums can be checked. Leaves out streaming, errors and
every endpoint except chat.completions.create.

Used in lessons: 05.
"""

from __future__ import annotations

import copy
from typing import Any

from openai.types.chat import ChatCompletion

__all__ = ["scripted_completion", "ScriptedClient"]


def scripted_completion(text: str | None, finish_reason: str = "stop", *, prompt_tokens: int = 10,
                        completion_tokens: int | None = None, reasoning_tokens: int = 0) -> ChatCompletion:
    """One ChatCompletion with a single choice, built by hand (no model involved)."""
    words = max(1, len((text or "").split()))
    completion = words + reasoning_tokens if completion_tokens is None else completion_tokens
    return ChatCompletion.model_validate({
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": 0, "model": "scripted",
        "choices": [{"index": 0, "finish_reason": finish_reason, "logprobs": None,
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion,
                  "total_tokens": prompt_tokens + completion,
                  "completion_tokens_details": {"reasoning_tokens": reasoning_tokens}},
    })


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
