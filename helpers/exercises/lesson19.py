"""Checks for lesson 19 (everyday use cases)."""

from __future__ import annotations

from typing import Any

from helpers.exercises import Result, exercise
from helpers.fake_client import ScriptedClient
from helpers.structured import schema_objects

__all__ = ["translator", "quiz_format"]


def _first_text(messages: list[dict], role: str) -> str:
    return next((str(m.get("content", "")) for m in messages if m.get("role") == role), "")


@exercise("19.1", "Call client.chat.completions.create once with a system message that names the "
          "language, the text as the user message, temperature=0 (or at most 0.3), a "
          "max_completion_tokens limit, and return response.choices[0].message.content.")
def translator(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (to_language), not its result.")
    spy = ScriptedClient([("Die Bibliothek öffnet um neun.", "stop")] * 3)  # room to notice extra calls
    got = answer(spy, "any-model", "The library opens at nine.", "German")
    if len(spy.calls) != 1:
        return Result(False, f"it made {len(spy.calls)} calls; one call is enough for one translation.")
    call = spy.calls[0]
    messages = call.get("messages", [])
    if "German" not in _first_text(messages, "system"):
        return Result(False, "put the target language in a system message, e.g. "
                      "'Translate the user's text into German.'")
    if "The library opens at nine." not in _first_text(messages, "user"):
        return Result(False, "send the text to translate as the user message.")
    temperature = call.get("temperature")
    if temperature is None or temperature > 0.3:
        return Result(False, f"temperature is {temperature!r}; a translation wants one right answer, "
                      "not variety: use 0 (at most 0.3). Left out, it defaults to 1.")
    if not isinstance(call.get("max_completion_tokens"), int):
        return Result(False, "set max_completion_tokens, so a runaway answer cannot cost you much.")
    if got != "Die Bibliothek öffnet um neun.":
        return Result(False, f"it returned {got!r}; return the text of the first choice.")
    return Result(True, "one call, a system message with the language, temperature "
                  f"{temperature}, a token cap, and the text returned.")


@exercise("19.2", "Start from helpers.use_cases.outline_format: a json_schema response_format with "
          "strict=True, every object with additionalProperties False and all its properties "
          "required, and the questions array limited with minItems and maxItems.")
def quiz_format(answer: Any) -> Result:
    import jsonschema  # here, not at the top: importing it takes about a second

    if not callable(answer):
        return Result(False, "pass the function itself (quiz_format), not its result.")
    fmt = answer(4)
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return Result(False, "return a dict with type 'json_schema' (a response_format).")
    spec = fmt.get("json_schema", {})
    if spec.get("strict") is not True or not spec.get("name"):
        return Result(False, "the json_schema part needs a name and strict=True.")
    schema = spec.get("schema", {})
    for path, node in schema_objects(schema):
        if node.get("additionalProperties") is not False:
            return Result(False, f"the object at {path} needs additionalProperties: False (strict mode).")
        if set(node.get("required", [])) != set(node.get("properties", {})):
            return Result(False, f"strict mode needs every property of the object at {path} in 'required'.")
    question = {"question": "What is 2+2?", "answer": "4"}
    for count, should_pass in ((4, True), (3, False), (5, False)):
        instance = {"questions": [dict(question) for _ in range(count)]}
        try:
            jsonschema.validate(instance, schema)
            ok = True
        except jsonschema.ValidationError:
            ok = False
        if ok != should_pass:
            verb = "accepts" if ok else "rejects"
            return Result(False, f"the schema {verb} {count} questions for quiz_format(4): "
                          "use minItems and maxItems on the questions array, and items with "
                          "'question' and 'answer' strings.")
    return Result(True, "a strict schema that accepts exactly 4 question/answer pairs and nothing else.")
