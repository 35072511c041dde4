"""Checks for lesson 14 (tools, tool_choice, the tool-result loop)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from helpers.exercises import Result, exercise
from helpers.structured import strict_problems

__all__ = ["currency_schema", "tool_message", "safe_dispatch"]

CURRENCIES = {"EUR", "USD", "GBP"}


@exercise("14.1", "{'type': 'function', 'function': {'name': 'convert_currency', 'description': ..., "
          "'parameters': {'type': 'object', 'properties': {'amount': {'type': 'number'}, 'to': {'type': "
          "'string', 'enum': [...]}}, 'required': [...], 'additionalProperties': False}, 'strict': True}}")
def currency_schema(answer: Any) -> Result:
    if not isinstance(answer, dict) or answer.get("type") != "function" or not isinstance(answer.get("function"), dict):
        return Result(False, "a tool is {'type': 'function', 'function': {...}}.")
    fn = answer["function"]
    if fn.get("name") != "convert_currency":
        return Result(False, f"the function's name should be 'convert_currency', not {fn.get('name')!r}.")
    if not isinstance(fn.get("description"), str) or not fn["description"].strip():
        return Result(False, "give a description: the model reads it to decide when to call the tool.")
    params = fn.get("parameters")
    if not isinstance(params, dict) or params.get("type") != "object":
        return Result(False, "'parameters' is a JSON Schema whose type is 'object'.")
    try:
        jsonschema.Draft202012Validator.check_schema(params)
    except jsonschema.SchemaError as err:
        return Result(False, f"'parameters' is not a valid JSON Schema: {err.message}.")
    if set(params.get("properties") or {}) != {"amount", "to"}:
        return Result(False, "the properties should be exactly 'amount' and 'to'.")
    if not {"amount", "to"} <= set(params.get("required") or []):
        return Result(False, "both parameters have no default, so both belong in 'required'.")
    if fn.get("strict") is True and strict_problems(params):
        return Result(False, f"with strict=True: {strict_problems(params)[0]}.")
    valid = jsonschema.Draft202012Validator(params)
    if not valid.is_valid({"amount": 12.5, "to": "EUR"}):
        return Result(False, "{'amount': 12.5, 'to': 'EUR'} should fit your schema: amount is a 'number'.")
    for bad, why in [({"amount": "12", "to": "EUR"}, "amount as a string"), ({"amount": 1, "to": "JPY"}, "'JPY'")]:
        if valid.is_valid(bad):
            return Result(False, f"{bad} fits your schema but should not ({why}): use 'number' and an 'enum'.")
    return Result(True, "a valid tool schema; amounts must be numbers and 'to' one of EUR, USD, GBP.")


@exercise("14.2", "{'role': 'tool', 'tool_call_id': call.id, 'content': json.dumps(result)}: the content "
          "is a string, and the id is the one the model gave the call.")
def tool_message(answer: Any, call: Any = None) -> Result:
    if call is None:
        return Result(False, "pass the call too: check('14.2', message, call=call).")
    if not isinstance(answer, dict):
        return Result(False, f"a message is a dict, got {type(answer).__name__}.")
    if answer.get("role") != "tool":
        return Result(False, f"the role is 'tool' (not {answer.get('role')!r}; 'function' is the deprecated one).")
    if answer.get("tool_call_id") != call.id:
        return Result(False, f"tool_call_id must be the call's own id, {call.id!r}.")
    if not isinstance(answer.get("content"), str) or not answer["content"]:
        return Result(False, "content must be a non-empty string: json.dumps(...) a dict result.")
    return Result(True, "the API pairs this result with the call through tool_call_id.")


def _add(a: int, b: int) -> int:
    return a + b


def _broken() -> None:
    raise RuntimeError("the weather service is down")


@exercise("14.3", "json.loads inside try/except; look the name up in `functions`; call it inside "
          "try/except; on any failure return json.dumps({'error': ...}) instead of raising.")
def safe_dispatch(answer: Any) -> Result:
    if not callable(answer):
        return Result(False, "pass the function itself (dispatch).")
    functions = {"add": _add, "broken": _broken}
    try:
        good = answer("add", '{"a": 2, "b": 3}', functions)
    except Exception as err:
        return Result(False, f"dispatch('add', '{{\"a\": 2, \"b\": 3}}', functions) "
                      f"raised {type(err).__name__}: {err}.")
    try:
        value = json.loads(good) if isinstance(good, str) else None
    except ValueError:
        value = None
    if value not in (5, "5"):
        return Result(False, f"for add(2, 3) it returned {good!r}; expected the string '5'.")
    for name, arguments, what in [("add", '{"a": 2', "arguments that are not valid JSON"),
                                  ("add", '{"a": 2}', "a missing argument"),
                                  ("teleport", "{}", "a tool that does not exist"),
                                  ("broken", "{}", "a tool that raises")]:
        try:
            out = answer(name, arguments, functions)
        except Exception as err:
            return Result(False, f"with {what} it raised {type(err).__name__}; return the error as a string instead.")
        if not isinstance(out, str) or "error" not in out.lower():
            return Result(False, f"with {what} it returned {out!r}; return a string that says 'error'.")
    return Result(True, "bad JSON, missing arguments, unknown tools and failing tools all come back as results.")
