"""Turn OpenAI chat messages (and tools) into SmolLM2's ChatML prompt.

Covers every role the API accepts (``developer`` is read as ``system``, as OpenAI does
for non-reasoning models), content given as a list of text parts, assistant turns that
carry ``tool_calls``, tool results, and the tool descriptions for function calling.
Leaves out sampling and response shaping.

SmolLM2's own template injects "You are a helpful AI assistant named SmolLM" when the
first message is not a system message; we keep that behaviour, so lessons send one.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
TOOL_OPEN, TOOL_CLOSE = "<tool_call>", "</tool_call>"


def text_of(content: Any) -> str:
    """The text of a message's content: a string, a list of text parts, or None."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def tools_instruction(tools: list[dict]) -> str:
    """The system-prompt paragraph that tells the model which functions it may call."""
    specs = [t["function"] for t in tools]
    return (
        "You have access to the following functions. To call one, reply with only "
        f'{TOOL_OPEN}{{"name": <function name>, "arguments": <JSON object>}}{TOOL_CLOSE}.\n'
        f"<tools>{json.dumps(specs, ensure_ascii=False)}</tools>"
    )


def _turn(role: str, text: str) -> str:
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


def render(messages: list[dict], tools: list[dict] | None = None) -> str:
    """The full prompt, ending with the opening of the assistant's turn."""
    parts: list[str] = []
    extra = tools_instruction(tools) if tools else ""
    first = messages[0]["role"] if messages else None
    if first not in ("system", "developer"):
        system = DEFAULT_SYSTEM + ("\n\n" + extra if extra else "")
        parts.append(_turn("system", system))
        extra = ""
    for msg in messages:
        role, text = msg["role"], text_of(msg.get("content"))
        if role == "developer":
            role = "system"
        if role == "system" and extra:
            text, extra = f"{text}\n\n{extra}", ""
        if role == "assistant" and msg.get("tool_calls"):
            calls = [
                f'{TOOL_OPEN}{{"name": {json.dumps(c["function"]["name"])}, '
                f'"arguments": {c["function"].get("arguments") or "{}"}}}{TOOL_CLOSE}'
                for c in msg["tool_calls"]
            ]
            text = (text + "\n" if text else "") + "\n".join(calls)
        parts.append(_turn(role, text))
    parts.append("<|im_start|>assistant\n")
    return "".join(parts)


def tool_call_schema(tools: list[dict], only: str | None = None) -> dict:
    """JSON Schema of one call: {"name": <one of the tools>, "arguments": <its parameters>}."""
    branches = []
    for tool in tools:
        fn = tool["function"]
        if only is not None and fn["name"] != only:
            continue
        params = fn.get("parameters") or {"type": "object", "properties": {}}
        branches.append({
            "type": "object",
            "properties": {"name": {"const": fn["name"]}, "arguments": params},
            "required": ["name", "arguments"],
            "additionalProperties": False,
        })
    return branches[0] if len(branches) == 1 else {"anyOf": branches}
