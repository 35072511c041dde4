"""Checks for lesson 20 (capstone chatbot)."""

from __future__ import annotations

import inspect
import json
from typing import Any

from helpers.exercises import Result, exercise

__all__ = ["late_fee_tool", "transcript"]


@exercise("20.1", "def late_fee(days_late: int) -> str: with a docstring (the tool's description) and an "
          "'Args:' line for days_late. 0.25 per day, never more than 5.00; return e.g. '0.75 EUR'.")
def late_fee_tool(answer: Any) -> Result:
    from helpers.tools import Toolbox

    if not callable(answer):
        return Result(False, "pass the function itself (late_fee), not its result.")
    if not inspect.getdoc(answer):
        return Result(False, "give the function a docstring: it becomes the tool's description, "
                      "the only thing the model reads to decide when to call it.")
    box = Toolbox(answer)
    schema = box.tools[0]["function"]
    days = schema["parameters"].get("properties", {}).get("days_late")
    if not days or days.get("type") != "integer":
        return Result(False, f"the schema has days_late as {days!r}; annotate it as days_late: int.")
    expected = {0: "0.00 EUR", 3: "0.75 EUR", 20: "5.00 EUR", 100: "5.00 EUR"}
    for n, want in expected.items():
        call = {"id": f"call_{n}", "type": "function",
                "function": {"name": schema["name"], "arguments": json.dumps({"days_late": n})}}
        got = box.run(call)["content"]
        if got != want:
            return Result(False, f"for {n} days late the tool answered {got!r}, expected {want!r}.")
    return Result(True, f"a typed, documented tool ({schema['name']}) with the right fees, capped at 5.00.")


@exercise("20.2", "Loop over the messages; skip 'system'; for an assistant message with tool_calls write "
          "one line per call like 'tool: opening_hours({\"day\": \"monday\"})'; otherwise "
          "'**role**: content'. Join them with blank lines (\"\\n\\n\"): Markdown runs single newlines together.")
def transcript(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (as_markdown), not its result.")
    messages = [
        {"role": "system", "content": "SECRET-INSTRUCTIONS"},
        {"role": "user", "content": "When are you open on monday?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "opening_hours", "arguments": "{\"day\": \"monday\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "9:00-17:00"},
        {"role": "assistant", "content": "From nine to five."},
    ]
    text = answer(messages)
    if not isinstance(text, str):
        return Result(False, f"return one string, not {type(text).__name__}.")
    if "SECRET-INSTRUCTIONS" in text:
        return Result(False, "the system message leaked into the transcript; skip role 'system'.")
    order = ["When are you open on monday?", "opening_hours", "9:00-17:00", "From nine to five."]
    places = [text.find(piece) for piece in order]
    if -1 in places:
        missing = order[places.index(-1)]
        return Result(False, f"{missing!r} is missing; every user, tool call, tool result and "
                      "assistant message should appear.")
    if places != sorted(places):
        return Result(False, "the messages are out of order; keep the stored order.")
    if "None" in text:
        return Result(False, "an empty content printed as 'None'; show the tool call instead.")
    return Result(True, "user, tool call, tool result and answer, in order, with the instructions left out.")
