"""Turn OpenAI chat messages (and tools) into SmolLM2's ChatML prompt.

Covers every role the API accepts (``developer`` is read as ``system``, as OpenAI does
for non-reasoning models), content given as a list of text parts, assistant turns that
carry ``tool_calls``, tool results, and the tool descriptions for function calling.
The prompt is built as segments: the template's own markers (``<|im_start|>``,
``<|im_end|>``) are tokenised as control tokens, everything else (every role's content,
tool names and arguments, the tools instruction) as plain text, so a message that
contains ``<|im_end|>`` cannot end its turn or forge another. Leaves out sampling and
response shaping.

SmolLM2's own template injects "You are a helpful AI assistant named SmolLM" when the
first message is not a system message; we keep that behaviour, so lessons send one.

Used in lessons: 03.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "DEFAULT_SYSTEM", "TOOL_OPEN", "TOOL_CLOSE", "text_of", "tools_instruction", "render", "prompt_tokens",
    "tool_call_schema",
]

DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
TOOL_OPEN, TOOL_CLOSE = "<tool_call>", "</tool_call>"
START, END = "<|im_start|>", "<|im_end|>"
Segment = tuple[str, bool]  # (text, is a template control token)


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


def _turn(role: str, text: str) -> list[Segment]:
    return [(START, True), (f"{role}\n{text}", False), (END, True), ("\n", False)]


def render(messages: list[dict], tools: list[dict] | None = None) -> str:
    """The full prompt as one string, ending with the opening of the assistant's turn."""
    return "".join(text for text, _ in _render_segments(messages, tools))


def prompt_tokens(llm, messages: list[dict], tools: list[dict] | None = None) -> list[int]:
    """The prompt's token ids: control tokens only where the template puts them."""
    out: list[int] = []
    for text, special in _merged(_render_segments(messages, tools)):
        out += llm.tokenize(text.encode(), add_bos=False, special=special)
    return out


def _merged(segments: list[Segment]) -> list[Segment]:
    """Join neighbouring text segments (tokenised together, as one stretch of text)."""
    out: list[Segment] = []
    for text, special in segments:
        if out and not special and not out[-1][1]:
            out[-1] = (out[-1][0] + text, False)
        else:
            out.append((text, special))
    return out


def _render_segments(messages: list[dict], tools: list[dict] | None = None) -> list[Segment]:
    """The prompt as (text, is_control) segments, ending with the assistant's opening."""
    parts: list[Segment] = []
    extra = tools_instruction(tools) if tools else ""
    first = messages[0]["role"] if messages else None
    if first not in ("system", "developer"):
        system = DEFAULT_SYSTEM + ("\n\n" + extra if extra else "")
        parts += _turn("system", system)
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
        parts += _turn(role, text)
    parts += [(START, True), ("assistant\n", False)]
    return parts


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
