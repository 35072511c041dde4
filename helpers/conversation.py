"""A chat history that grows only with calls that succeeded, and two ways to keep it small.

Covers :class:`Conversation`: the messages (system or developer instructions first),
``send`` (adds the user turn and the assistant's reply only when the call succeeds; on
an error the history is unchanged and the error propagates), ``trim`` (drop the oldest
whole turns, keep the instructions, never split an assistant ``tool_calls`` message from
its tool results) and ``summarise`` (replace older turns by a model-written summary in an
instruction note). Token budgets are counted with ``helpers.tokens.count_messages``;
the reply is kept as ``helpers.messages.assistant_message`` turns it into a dict.
Leaves out streaming (send the request yourself and ``append`` the reply), tools
execution (lesson 14) and the widget (``helpers.chat_widget``).

Used in lessons: 03.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.messages import assistant_message
from helpers.tokens import count_messages

__all__ = ["SUMMARY_PREFIX", "split_turns", "Conversation"]

INSTRUCTION_ROLES = ("system", "developer")
SUMMARY_PREFIX = "Summary of the earlier conversation: "
# Worded for small models too: SmolLM2-135M summarises with this request and ignores "at most N words".
SUMMARY_SYSTEM = "You are a helpful assistant."
SUMMARY_REQUEST = "Summarize the following conversation in one or two sentences."

Counter = Callable[[list[dict]], int]


def split_turns(messages: list[dict]) -> tuple[list[dict], list[list[dict]]]:
    """(leading instructions, turns); a turn starts at a user message and runs to the next one."""
    head = 0
    while head < len(messages) and messages[head]["role"] in INSTRUCTION_ROLES:
        head += 1
    turns: list[list[dict]] = []
    for msg in messages[head:]:
        if msg["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(msg)
    return messages[:head], turns


class Conversation:
    """The messages of one chat, instructions first."""

    def __init__(self, system: str | None = None, *, role: str = "system", model: str | None = None):
        if role not in INSTRUCTION_ROLES:
            raise ValueError(f"role must be 'system' or 'developer', not {role!r}")
        self.role, self.model = role, model
        self.messages: list[dict] = [{"role": role, "content": system}] if system else []
        self.prompt_tokens: list[int] = []  # usage.prompt_tokens of each successful send
        self.summary_usage: list[Any] = []  # the usage of each summary call (they cost tokens too)

    def __len__(self) -> int:
        return len(self.messages)

    def __repr__(self) -> str:
        return f"Conversation({len(self.messages)} messages, {len(split_turns(self.messages)[1])} turns)"

    def append(self, message: dict) -> None:
        """Add one message yourself (for example a streamed reply you assembled)."""
        self.messages.append(message)

    def send(self, client: Any, model: str, text: str, **params: Any):
        """Ask ``text``; on success keep the user turn and the reply and return the response.

        On any error (a 400, a connection error, a replay miss) nothing is added and the
        error propagates, so the learner can fix it and send again.
        """
        if params.get("stream"):
            raise ValueError("send() needs the whole reply; to stream, call create() yourself and append() the result.")
        request = [*self.messages, {"role": "user", "content": text}]
        response = client.chat.completions.create(model=model, messages=request, **params)
        self.messages = [*request, assistant_message(response.choices[0].message)]
        self.model = model
        if response.usage is not None:
            self.prompt_tokens.append(response.usage.prompt_tokens)
        return response

    def tokens(self, count: Counter | None = None) -> int:
        """The prompt tokens of the history as it stands."""
        return self._counter(count)(self.messages)

    def _counter(self, count: Counter | None) -> Counter:
        if count is not None:
            return count
        if self.model is None:
            raise ValueError("No model to count tokens for yet: pass count=..., or model= to Conversation().")
        model = self.model
        return lambda messages: count_messages(messages, model).tokens

    def trim(self, budget: int, count: Counter | None = None) -> int:
        """Drop the oldest whole turns until the history fits ``budget``; return how many went.

        The instructions (and a summary note) always stay, so a tiny budget can leave only
        them; a turn that holds a tool call keeps its tool results with it.
        """
        counter = self._counter(count)
        head, turns = split_turns(self.messages)
        dropped = 0
        while turns and counter(head + [m for t in turns for m in t]) > budget:
            turns.pop(0)
            dropped += 1
        self.messages = head + [m for t in turns for m in t]
        return dropped

    def summarise(self, client: Any, model: str, budget: int, *, keep: int = 1,
                  count: Counter | None = None, **params: Any) -> str | None:
        """Over ``budget``: replace all but the last ``keep`` turns by a summary note.

        The summary (and any earlier one) goes into one ``system``/``developer`` note after
        the instructions. ``params`` go to the summary call (``max_completion_tokens``
        defaults to 60). Returns the summary, or None when nothing had to change. If the
        summary call fails the history is unchanged. Still over budget afterwards: trims.
        """
        counter = self._counter(count)
        if counter(self.messages) <= budget:
            return None
        head, turns = split_turns(self.messages)
        old, recent = turns[:-keep] if keep else turns, turns[-keep:] if keep else []
        notes = [m for m in head if str(m.get("content", "")).startswith(SUMMARY_PREFIX)]
        if not old:
            self.trim(budget, counter)
            return None
        transcript = "\n".join(
            [str(n["content"]) for n in notes]
            + [f"{m['role'].capitalize()}: {m.get('content') or '(tool call)'}" for t in old for m in t])
        params.setdefault("max_completion_tokens", 60)
        response = client.chat.completions.create(model=model, messages=[
            {"role": self.role, "content": SUMMARY_SYSTEM},
            {"role": "user", "content": f"{SUMMARY_REQUEST}\n\n{transcript}"}], **params)
        summary = (response.choices[0].message.content or "").strip()
        if response.usage is not None:
            self.summary_usage.append(response.usage)
        instructions = [m for m in head if m not in notes]
        note = {"role": self.role, "content": SUMMARY_PREFIX + summary}
        self.messages = instructions + [note] + [m for t in recent for m in t]
        self.trim(budget, counter)
        return summary
