"""Notice and handle an answer that the token limit cut short (``finish_reason="length"``).

Covers reading how a choice ended (``is_truncated``), finishing a cut answer by sending
the partial assistant turn back with a request to continue (``continue_until_done``),
and asking again with larger limits (``retry_with_larger_limit``). Both handlers keep
every response, so the usage billed for all the calls can be added up. Leaves out
streams, tool calls and choosing between several choices (they read choice 0).

Used in lessons: 05.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletion

__all__ = ["CONTINUE_PROMPT", "is_truncated", "Finished", "continue_until_done", "retry_with_larger_limit"]

CONTINUE_PROMPT = "Continue."


def is_truncated(response: ChatCompletion, index: int = 0) -> bool:
    """True when choice ``index`` stopped because it reached the token limit.

    Reads ``finish_reason`` only: guessing from the text (a missing full stop, say)
    is wrong both ways, and an empty answer from a reasoning model that spent the
    whole limit on reasoning is also ``"length"``.
    """
    return response.choices[index].finish_reason == "length"


@dataclass
class Finished:
    """The text put together from one or more calls, and every response it took."""

    text: str
    finish_reason: str
    responses: list[ChatCompletion] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return len(self.responses)

    @property
    def prompt_tokens(self) -> int:
        """Prompt tokens billed over all the calls (each call sends the history again)."""
        return sum(r.usage.prompt_tokens for r in self.responses if r.usage)

    @property
    def completion_tokens(self) -> int:
        """Completion tokens billed over all the calls, cut answers included."""
        return sum(r.usage.completion_tokens for r in self.responses if r.usage)


def continue_until_done(client: Any, *, messages: list[dict], max_rounds: int = 3,
                        prompt: str = CONTINUE_PROMPT, **create_kwargs: Any) -> Finished:
    """Call ``create``; while the answer is cut by the limit, ask the model to go on.

    Each follow-up call sends the original ``messages``, then the text so far as one
    assistant turn, then a user turn with ``prompt``; the new piece is appended to
    the text as it is. At most ``max_rounds`` calls; ``messages`` is not changed.
    The model decides how well it continues (a small model may repeat itself).
    """
    if max_rounds < 1:
        raise ValueError("max_rounds must be at least 1 (the first call is a round).")
    text, responses, history = "", [], list(messages)
    for _ in range(max_rounds):
        response = client.chat.completions.create(messages=history, **create_kwargs)
        responses.append(response)
        text += response.choices[0].message.content or ""
        if not is_truncated(response):
            break
        history = [*messages, {"role": "assistant", "content": text}, {"role": "user", "content": prompt}]
    return Finished(text, responses[-1].choices[0].finish_reason, responses)


def retry_with_larger_limit(client: Any, *, messages: list[dict], limits: tuple[int, ...] = (64, 256, 1024),
                            **create_kwargs: Any) -> Finished:
    """Ask again with each limit in turn until an answer is not cut; keep the last answer.

    Every attempt is billed in full, the cut ones too: start with a limit that
    usually suffices rather than a tiny one.
    """
    if not limits or any(limit < 1 for limit in limits):
        raise ValueError("limits must be one or more token counts, each at least 1.")
    if "max_tokens" in create_kwargs or "max_completion_tokens" in create_kwargs:
        raise ValueError("pass the limits in `limits`, not as max_tokens/max_completion_tokens.")
    responses = []
    for limit in limits:
        response = client.chat.completions.create(messages=messages, max_completion_tokens=limit, **create_kwargs)
        responses.append(response)
        if not is_truncated(response):
            break
    last = responses[-1].choices[0]
    return Finished(last.message.content or "", last.finish_reason, responses)
