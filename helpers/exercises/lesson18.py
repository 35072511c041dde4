"""Checks for lesson 18 (prompt engineering: few-shot turns, format checks, prompt chains)."""

from __future__ import annotations

from typing import Any

from helpers.exercises import Result, exercise
from helpers.fake_client import ScriptedClient

__all__ = ["few_shot_builder", "three_bullets", "prompt_chain"]

EXAMPLES = [("I loved it", "positive"), ("Never again", "negative"), ("Works great", "positive")]


@exercise("18.1", "Start with {'role': 'system', ...}; for each (text, label) append a user message "
          "(the text) then an assistant message (the label); end with a user message (the question).")
def few_shot_builder(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (few_shot).")
    got = answer("Label the sentiment.", EXAMPLES, "Pretty good")
    if not isinstance(got, list) or not all(isinstance(m, dict) for m in got):
        return Result(False, "return a list of message dicts.")
    want = [{"role": "system", "content": "Label the sentiment."}]
    for text, label in EXAMPLES:
        want += [{"role": "user", "content": text}, {"role": "assistant", "content": label}]
    want.append({"role": "user", "content": "Pretty good"})
    roles = [m.get("role") for m in got]
    if "assistant" not in roles:
        return Result(False, "each example's answer is an assistant message of its own, not part of one big string.")
    if roles != [m["role"] for m in want]:
        return Result(False, f"for 3 examples the roles should be {[m['role'] for m in want]}, got {roles}.")
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if g.get("content") != w["content"]:
            return Result(False, f"message {i} ({w['role']}) should say {w['content']!r}, not {g.get('content')!r}.")
    return Result(True, "each example is a real user/assistant pair, and the question comes last.")


@exercise("18.2", "Lines = text.strip().splitlines(); exactly 3 of them, each starting with '- ' and "
          "with something after it.")
def three_bullets(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (is_three_bullets).")
    cases = [("- a\n- b\n- c", True), ("- sleep early\n- no screens\n- dark room\n", True),
             ("- a\n- b", False), ("- a\n- b\n- c\n- d", False), ("Tips:\n- a\n- b\n- c", False),
             ("1. a\n2. b\n3. c", False), ("- a\n-\n- c", False), ("", False)]
    for text, want in cases:
        got = answer(text)
        if bool(got) != want or not isinstance(got, bool):
            return Result(False, f"for {text!r} it returned {got!r}, expected {want}.")
    return Result(True, "a format you can check in code is a format you can measure.")


@exercise("18.3", "Call create() twice: first ask for keywords of `text`; then put the first answer's "
          "content into the second call's messages; return the second answer's content.")
def prompt_chain(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (title_chain).")
    fake = ScriptedClient([("heart, blood, copper", "stop"), ("Copper Blood", "stop")])
    text = "Octopuses have three hearts and blue blood."
    try:
        got = answer(fake, "some-model", text)
    except RuntimeError as err:
        return Result(False, f"{err}")
    if len(fake.calls) != 2:
        return Result(False, f"it made {len(fake.calls)} call(s); a two-step chain makes exactly 2.")
    if any(call.get("model") != "some-model" for call in fake.calls):
        return Result(False, "pass the model argument to both calls.")
    for k, call in enumerate(fake.calls, 1):
        roles = [m.get("role") for m in call.get("messages", [])]
        if not roles or roles[0] != "system":
            return Result(False, f"call {k} should start with a system message (always send one).")
    first = " ".join(str(m.get("content")) for m in fake.calls[0]["messages"])
    second = " ".join(str(m.get("content")) for m in fake.calls[1]["messages"])
    if text not in first:
        return Result(False, "the first call should include the text itself.")
    if "heart, blood, copper" not in second:
        return Result(False, "the second call should include the first call's answer (the keywords).")
    if got != "Copper Blood":
        return Result(False, f"return the second call's text, got {got!r}.")
    return Result(True, "step one's output feeds step two, and each step can be checked on its own.")
