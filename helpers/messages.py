"""The assistant's reply as a plain dict, ready to append to the history and send back.

Covers :func:`assistant_message` (an SDK ``ChatCompletionMessage``), :func:`assistant_turn`
(the same from its parts, for a reply rebuilt from a stream) and :func:`tool_call_dict`
(one tool call in the shape the API takes back). Every history in ``helpers`` builds its
assistant turns here: ``Conversation.send``, ``run_tool_loop`` and ``StreamResult.message``.
The rules, the same for all of them: the role, the content (``""`` when there is neither
text nor a tool call, since the API refuses an assistant message with neither), and
``tool_calls`` only when there are some, each one ``{"id", "type": "function", "function":
{"name", "arguments"}}``; whatever else the SDK object holds (``refusal``, ``annotations``,
fields a server added) stays out. Leaves out other roles, content parts, and rebuilding
custom tool calls (a non-function call is passed back as the server returned it).

Used in lessons: none (machinery).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["tool_call_parts", "tool_call_dict", "assistant_turn", "assistant_message"]


def tool_call_parts(call: Any) -> tuple[str, str, str]:
    """(id, name, arguments) of a function tool call given as an SDK object or a plain dict."""
    if isinstance(call, dict):
        return call["id"], call["function"]["name"], call["function"]["arguments"]
    return call.id, call.function.name, call.function.arguments


def tool_call_dict(call: Any) -> dict[str, Any]:
    """A function tool call (SDK object or dict) as ``{"id", "type", "function": {"name", "arguments"}}``."""
    kind = call.get("type", "function") if isinstance(call, dict) else getattr(call, "type", "function")
    if kind != "function":  # a custom tool call: not rebuilt, passed back as returned
        return dict(call) if isinstance(call, dict) else call.model_dump(exclude_none=True)
    call_id, name, arguments = tool_call_parts(call)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def assistant_turn(content: str | None, tool_calls: Iterable[Any] | None = None, *,
                   role: str = "assistant") -> dict[str, Any]:
    """The message dict for a reply with this text and these tool calls (SDK objects or dicts)."""
    calls = [tool_call_dict(call) for call in tool_calls or []]
    message: dict[str, Any] = {"role": role, "content": content if content is not None or calls else ""}
    if calls:
        message["tool_calls"] = calls
    return message


def assistant_message(message: Any) -> dict[str, Any]:
    """An SDK ``ChatCompletionMessage`` (``response.choices[0].message``) as the dict to send back."""
    return assistant_turn(message.content, getattr(message, "tool_calls", None))
