"""Validate a chat.completions request the way the OpenAI API does, for the local model.

Three layers, each raising ``ApiError`` with OpenAI's status, message, ``param`` and
``code``, so that the SDK raises the same ``BadRequestError``/``NotFoundError`` a learner
would see on OpenAI:

1. the request's shape, checked against the SDK's own request types
   (``helpers.local.schema``; ``PARAM_TYPES`` below is that table, with the local
   backend's few narrowings: no deprecated ``function`` role, function tools only);
2. ranges and lengths from the table in ``helpers.local.limits`` (``RANGES`` below);
3. the rules that tie fields together (tool calls answered in order, ``top_logprobs``
   needs ``logprobs``, a ``json_object`` prompt mentions JSON, schemas are JSON Schemas).

Whatever passes here can be generated; limits that need the prompt's token count
(the context) are checked in ``helpers.local.chat``. Leaves out generation and HTTP
(see ``helpers.local.transport``).

Used in lessons: none (machinery).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from functools import reduce
from typing import Any, get_args

from openai.types.chat import ChatCompletionMessageParam
from openai.types.chat import completion_create_params as _sdk

from helpers.local import limits as lim
from helpers.local.schema import ApiError, check, fields, got

__all__ = ["ApiError", "validate", "PARAM_TYPES", "KNOWN_PARAMS", "UNSUPPORTED", "RANGES"]

_MESSAGE_TYPES = tuple(
    t
    for t in get_args(ChatCompletionMessageParam)
    if "function" not in get_args(fields(t)[0]["role"])
)
PARAM_TYPES: dict[str, Any] = fields(_sdk.CompletionCreateParamsBase)[0] | {
    "stream": bool | None,
    "messages": Iterable[reduce(operator.or_, _MESSAGE_TYPES)],  # type: ignore[misc]
    "logit_bias": dict[str, float] | None,  # OpenAI takes any number from -100 to 100
}
KNOWN_PARAMS = set(PARAM_TYPES)
ROLES = {get_args(fields(t)[0]["role"])[0] for t in _MESSAGE_TYPES}
# Accepted by OpenAI but meaningless for a small local model: refused honestly.
UNSUPPORTED = {  # name -> the advice after OpenAI's "Unsupported parameter: ... with this model."
    "audio": "The local model does not produce audio.",
    "prediction": "The local backend does not implement Predicted Outputs.",
    "web_search_options": "The local backend cannot search the web.",
    "reasoning_effort": "SmolLM2 is not a reasoning model.",
    "functions": "'functions' is deprecated: use 'tools' instead.",
    "function_call": "'function_call' is deprecated: use 'tool_choice' instead.",
    "moderation": "The local backend does not implement moderation.",
}
# name -> (lowest, highest, integer?)
RANGES: dict[str, tuple[float, float, bool]] = {
    "temperature": (0, 2, False),
    "top_p": (0, 1, False),
    "presence_penalty": (-2, 2, False),
    "frequency_penalty": (-2, 2, False),
    "n": (1, lim.N_MAX, True),
    "max_tokens": (1, 2**31, True),
    "max_completion_tokens": (1, 2**31, True),
    "top_logprobs": (0, 20, True),
    "seed": (-(2**63), 2**63 - 1, True),
}
_TOKEN_ID = re.compile(r"-?[0-9]+")
_NAME = re.compile(lim.NAME_PATTERN)


def _number(body: dict, name: str, lo: float, hi: float, *, integer: bool = False) -> None:
    value = body.get(name)
    if value is None:
        return
    kind = "integer" if integer else "decimal"
    article = "an" if integer else "a"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if not ok or isinstance(value, bool):
        raise ApiError(
            400,
            f"Invalid type for '{name}': expected {article} {kind}, but got {got(value)} instead.",
            name,
            "invalid_type",
        )
    show = (lambda v: str(int(v))) if integer else (lambda v: f"{v:g}")
    if value < lo:
        raise ApiError(
            400,
            f"Invalid '{name}': {kind} below minimum value. Expected a value >= {show(lo)}, but "
            f"got {show(value)} instead.",
            name,
            f"{kind}_below_min_value",
        )
    if value > hi:
        raise ApiError(
            400,
            f"Invalid '{name}': {kind} above maximum value. Expected a value <= {show(hi)}, but "
            f"got {show(value)} instead.",
            name,
            f"{kind}_above_max_value",
        )


def _length(value: str | list | dict, where: str, lo: int, hi: int) -> None:
    """OpenAI's 'string too long' / 'array too long' / 'empty array' family of errors."""
    what = {str: "string", list: "array", dict: "object"}[type(value)]
    unit = {"string": "length", "array": "length", "object": "properties"}[what]
    size = len(value)
    if size < lo:
        if what == "array" and size == 0:
            raise ApiError(
                400,
                f"Invalid '{where}': empty array. Expected an array with minimum length {lo}, but "
                "got an "
                "empty array instead.",
                where,
                "empty_array",
            )
        raise ApiError(
            400,
            f"Invalid '{where}': {what} too short. Expected a {what} with minimum {unit} {lo}, but "
            "got "
            f"a {what} with {unit} {size} instead.",
            where,
            f"{what}_below_min_length",
        )
    if size > hi:
        raise ApiError(
            400,
            f"Invalid '{where}': {what} too long. Expected a {what} with maximum {unit} {hi}, but "
            "got "
            f"a {what} with {unit} {size} instead.",
            where,
            f"{what}_above_max_length",
        )


def _name(value: str, where: str) -> None:
    _length(value, where, 1, lim.NAME_MAX_CHARS)
    if not _NAME.fullmatch(value):
        raise ApiError(
            400,
            f"Invalid '{where}': string does not match pattern. Expected a string that matches the "
            f"pattern '{lim.NAME_PATTERN}'.",
            where,
            "invalid_value",
        )


# A JSON Schema's keywords and what each must hold: the meta-schema's rules that a schema
# written by hand gets wrong, checked without jsonschema (whose import takes 2-4 s).
_JSON_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}
_SUBSCHEMA = {"items", "additionalProperties", "not", "if", "then", "else", "contains",
              "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems"}
_SUBSCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems"}
_SUBSCHEMA_MAPS = {"properties", "$defs", "definitions", "patternProperties", "dependentSchemas"}
_COUNTS = {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
           "minContains", "maxContains"}
_NUMBERS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
_STRINGS = {"pattern", "format", "$ref", "title", "description", "$schema", "$id", "$anchor"}


def _schema_error(where: str, at: str, what: str) -> ApiError:
    return ApiError(400, f"Invalid schema in '{where}': {what} (at '{at or '/'}').", where,
                    "invalid_value")


def _json_schema(schema: Any, where: str, at: str = "") -> None:
    """A schema must itself be valid JSON Schema (OpenAI refuses e.g. ``"required": "a"``)."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise _schema_error(where, at, f"{got(schema)} is not a schema (an object or a boolean)")
    for key, value in schema.items():
        here = f"{at}.{key}".lstrip(".")
        if key in _SUBSCHEMA:
            _json_schema(value, where, here)
        elif key in _SUBSCHEMA_LISTS:
            if not isinstance(value, list) or not value:
                raise _schema_error(where, here, f"'{key}' must be a non-empty array of schemas")
            for i, sub in enumerate(value):
                _json_schema(sub, where, f"{here}[{i}]")
        elif key in _SUBSCHEMA_MAPS:
            if not isinstance(value, dict):
                raise _schema_error(where, here, f"'{key}' must be an object of schemas")
            for name, sub in value.items():
                _json_schema(sub, where, f"{here}.{name}")
        else:
            _keyword(key, value, where, here)


def _keyword(key: str, value: Any, where: str, here: str) -> None:
    ok = True
    if key == "type":
        names = value if isinstance(value, list) else [value]
        ok = bool(names) and all(isinstance(n, str) and n in _JSON_TYPES for n in names)
    elif key == "required":
        ok = isinstance(value, list) and all(isinstance(n, str) for n in value)
        ok = ok and len(set(value)) == len(value)
    elif key == "enum":
        ok = isinstance(value, list)
    elif key in _COUNTS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif key in _NUMBERS:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif key in _STRINGS:
        ok = isinstance(value, str)
    elif key == "uniqueItems":
        ok = isinstance(value, bool)
    if not ok:
        raise _schema_error(where, here, f"{_json_text(value)} is not a valid value for '{key}'")


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value)[:80]


def _tool_calls(calls: list, where: str) -> list[str]:
    """Check an assistant message's tool_calls (types already checked); return their ids."""
    _length(calls, f"{where}.tool_calls", 1, lim.TOOLS_MAX)
    for j, call in enumerate(calls):
        if call["type"] != "function":
            raise ApiError(
                400,
                f"Invalid '{where}.tool_calls[{j}]': the local backend supports function tool "
                "calls "
                "only.",
                f"{where}.tool_calls[{j}].type",
                "invalid_value",
            )
    return [call["id"] for call in calls]


def _content(msg: dict, where: str) -> None:
    content = msg.get("content")
    if isinstance(content, str):
        _length(content, f"{where}.content", 0, lim.CONTENT_MAX_CHARS)
        return
    if not isinstance(content, list):
        return
    _length(content, f"{where}.content", 1, 10_000)
    for j, part in enumerate(content):
        if part["type"] not in ("text", "refusal"):
            raise ApiError(
                400,
                f"Invalid '{where}.content[{j}]': the local model reads text parts only (type "
                "'text'), "
                f"got {part['type']!r}.",
                f"{where}.content[{j}].type",
                "invalid_value",
            )
        text = part.get("text", part.get("refusal"))
        _length(text, f"{where}.content[{j}].{part['type']}", 0, lim.CONTENT_MAX_CHARS)


def _messages(messages: list) -> None:
    _length(messages, "messages", 1, 2**31)
    open_ids: set[str] = set()
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        role = msg["role"]
        if role == "assistant" and msg.get("content") is None and not msg.get("tool_calls"):
            raise ApiError(
                400,
                f"Invalid '{where}': an assistant message needs 'content' or 'tool_calls'.",
                where,
                "invalid_value",
            )
        _content(msg, where)
        if open_ids and role != "tool":
            raise ApiError(
                400,
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding "
                "to each 'tool_call_id'. The following tool_call_ids did not have response "
                "messages: "
                f"{', '.join(sorted(open_ids))}",
                f"{where}.role",
                None,
            )
        if role == "assistant" and msg.get("tool_calls") is not None:
            open_ids = set(_tool_calls(msg["tool_calls"], where))
        if role == "tool":
            if not msg["tool_call_id"]:
                raise ApiError(
                    400,
                    f"Missing required parameter: '{where}.tool_call_id'.",
                    f"{where}.tool_call_id",
                    "missing_required_parameter",
                )
            if msg["tool_call_id"] not in open_ids:
                raise ApiError(
                    400,
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceeding "
                    "message with 'tool_calls'.",
                    f"{where}.role",
                    None,
                )
            open_ids.discard(msg["tool_call_id"])
    if open_ids:
        raise ApiError(
            400,
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            "to each "
            "'tool_call_id'. The following tool_call_ids did not have response messages: "
            f"{', '.join(sorted(open_ids))}",
            "messages",
            None,
        )


def _tool_kinds(body: dict) -> None:
    """Before the shape check: the local backend has function tools only (custom tools need a "
      "grammar)."""
    tools = body.get("tools")
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise ApiError(
                400,
                f"Invalid 'tools[{i}]': expected "
                f"{{'type': 'function', 'function': {{'name': ..., 'parameters': {{...}}}}}}.",
                f"tools[{i}]",
                "invalid_value",
            )


def _tools(body: dict) -> None:
    tools, choice = body.get("tools"), body.get("tool_choice")
    names = []
    if tools is not None:
        _length(tools, "tools", 1, lim.TOOLS_MAX)
    for i, tool in enumerate(tools or []):
        fn = tool["function"]
        _name(fn["name"], f"tools[{i}].function.name")
        if fn.get("parameters") is not None:
            _json_schema(fn["parameters"], f"tools[{i}].function.parameters")
        names.append(fn["name"])
    if choice is None:
        return
    if not tools:
        raise ApiError(
            400,
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
            "specified.",
            "tool_choice",
            None,
        )
    if isinstance(choice, str):
        return
    if choice["type"] != "function":
        raise ApiError(
            400,
            f"Unsupported value: 'tool_choice' of type '{choice['type']}' is not supported by the "
            "local "
            "backend. Use 'none', 'auto', 'required' or {'type': 'function', 'function': {'name': "
            "...}}.",
            "tool_choice.type",
            "unsupported_value",
        )
    name = choice["function"]["name"]
    if name not in names:
        raise ApiError(
            400,
            f"Invalid value for 'tool_choice': function {name!r} is not in 'tools'.",
            "tool_choice",
            "invalid_value",
        )


def _response_format(body: dict) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    if fmt["type"] == "json_object":
        from helpers.local.prompt import text_of

        text = " ".join(text_of(m.get("content")) for m in body["messages"])
        if "json" not in text.lower():
            raise ApiError(
                400,
                "'messages' must contain the word 'json' in some form, to use 'response_format' of "
                "type 'json_object'.",
                "messages",
                None,
            )
    if fmt["type"] == "json_schema":
        spec = fmt["json_schema"]
        _name(spec["name"], "response_format.json_schema.name")
        if spec.get("schema") is not None:
            _json_schema(spec["schema"], "response_format.json_schema.schema")


def _stop(body: dict) -> None:
    stop = body.get("stop")
    if stop is None:
        return
    if isinstance(stop, str):
        _length(stop, "stop", 1, lim.STOP_MAX_CHARS)
        return
    _length(stop, "stop", 0, lim.STOP_MAX_ITEMS)
    for i, s in enumerate(stop):
        _length(s, f"stop[{i}]", 1, lim.STOP_MAX_CHARS)


def _logit_bias(body: dict) -> None:
    lo, hi = lim.LOGIT_BIAS_RANGE
    for key, value in (body.get("logit_bias") or {}).items():
        if not _TOKEN_ID.fullmatch(key):
            raise ApiError(
                400,
                f"Invalid key in 'logit_bias': {key}. Keys must be token ids (integers as "
                "strings).",
                "logit_bias",
                "invalid_value",
            )
        if not lo <= value <= hi:
            raise ApiError(
                400,
                f"Invalid value for 'logit_bias': bias for token {key} must be between {lo} and "
                f"{hi}, got {value}.",
                "logit_bias",
                "invalid_value",
            )


def _metadata(body: dict) -> None:
    meta = body.get("metadata")
    if meta is None:
        return
    _length(meta, "metadata", 0, lim.METADATA_MAX_PAIRS)
    for key, value in meta.items():
        _length(key, "metadata", 1, lim.METADATA_KEY_MAX_CHARS)
        _length(value, f"metadata.{key}", 0, lim.METADATA_VALUE_MAX_CHARS)


def _budget(body: dict) -> None:
    """n times the per-choice limit: the local backend's own cap on one request's work."""
    n = body.get("n") or 1
    each = (
        body.get("max_completion_tokens")
        or body.get("max_tokens")
        or lim.DEFAULT_MAX_COMPLETION_TOKENS
    )
    if n > 1 and n * each > lim.MAX_REQUEST_TOKENS:
        raise ApiError(
            400,
            f"Invalid 'n': the local backend generates at most {lim.MAX_REQUEST_TOKENS} tokens per "
            "request "
            f"(n times the token limit), and n={n} with up to {each} tokens each could need "
            f"{n * each}. "
            "Lower 'n' or set a smaller 'max_completion_tokens'.",
            "n",
            "integer_above_max_value",
        )


def validate(body: Any, served_model: str) -> None:
    """Raise ApiError for anything OpenAI would reject; return None when the body is fine."""
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. The body must be a JSON object.",
            None,
            None,
        )
    for name in ("messages", "model"):
        if name not in body:
            raise ApiError(
                400, f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
            )
    unknown = sorted(set(body) - KNOWN_PARAMS)
    if unknown:
        raise ApiError(
            400,
            f"Unrecognized request argument supplied: {unknown[0]}",
            unknown[0],
            "unknown_parameter",
        )
    check(body["model"], str, "model")
    if body["model"] != served_model:
        raise ApiError(
            404,
            f"The model `{body['model']}` does not exist or you do not have access to it. "
            f"The local backend serves `{served_model}` (use default_model()).",
            "model",
            "model_not_found",
        )
    for name, what in UNSUPPORTED.items():
        if body.get(name) is not None:
            raise ApiError(
                400,
                f"Unsupported parameter: '{name}' is not supported with this model. {what}",
                name,
                "unsupported_parameter",
            )
    _tool_kinds(body)
    for name, value in body.items():
        if value is not None or name == "messages":
            check(value, PARAM_TYPES[name], name)
    for name, (lo, hi, integer) in RANGES.items():
        _number(body, name, lo, hi, integer=integer)
    _messages(body["messages"])
    if body.get("max_tokens") is not None and body.get("max_completion_tokens") is not None:
        raise ApiError(
            400,
            "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.",
            "max_tokens",
            "invalid_parameter_combination",
        )
    if body.get("top_logprobs") is not None and not body.get("logprobs"):
        raise ApiError(
            400,
            "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' "
            "is used.",
            "top_logprobs",
            None,
        )
    if body.get("stream_options") is not None and not body.get("stream"):
        raise ApiError(
            400,
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            "stream_options",
            None,
        )
    _stop(body)
    _logit_bias(body)
    _metadata(body)
    _response_format(body)
    _tools(body)
    _budget(body)
