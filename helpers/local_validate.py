"""Validate a chat.completions request the way the OpenAI API does, for the local model.

Covers types, ranges and combinations of every parameter the lessons teach, raising
``ApiError`` with OpenAI's status, message, ``param`` and ``code`` so that the SDK raises
the same ``BadRequestError``/``NotFoundError`` a learner would see on OpenAI. Leaves out
generation and anything about HTTP (see ``helpers.local_transport``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KNOWN_PARAMS = {
    "messages", "model", "audio", "frequency_penalty", "function_call", "functions",
    "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "metadata",
    "modalities", "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty",
    "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning_effort",
    "response_format", "safety_identifier", "seed", "service_tier", "stop", "store", "stream",
    "stream_options", "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user",
    "verbosity", "web_search_options",
}
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
ROLES = {"system", "developer", "user", "assistant", "tool"}


@dataclass
class ApiError(Exception):
    """An error response in OpenAI's shape."""

    status: int
    message: str
    param: str | None = None
    code: str | None = None
    type: str = "invalid_request_error"

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def _number(body: dict, name: str, lo: float, hi: float, *, integer: bool = False) -> None:
    value = body.get(name)
    if value is None:
        return
    kind = "integer" if integer else "decimal"
    article = "an" if integer else "a"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if not ok or isinstance(value, bool):
        got = {"str": "string", "float": "decimal", "bool": "boolean", "list": "array",
               "dict": "object", "int": "integer"}.get(type(value).__name__, type(value).__name__)
        raise ApiError(400, f"Invalid type for '{name}': expected {article} {kind}, but got a {got} instead.", name, "invalid_type")
    show = (lambda v: str(int(v))) if integer else (lambda v: f"{v:g}")
    if value < lo:
        raise ApiError(400, f"Invalid '{name}': {kind} below minimum value. Expected a value >= {show(lo)}, but got {show(value)} instead.", name, f"{kind}_below_min_value")
    if value > hi:
        raise ApiError(400, f"Invalid '{name}': {kind} above maximum value. Expected a value <= {show(hi)}, but got {show(value)} instead.", name, f"{kind}_above_max_value")


def _boolean(body: dict, name: str) -> None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise ApiError(400, f"Invalid type for '{name}': expected a boolean, but got a {type(value).__name__} instead.", name, "invalid_type")


def _tool_calls(calls: Any, where: str) -> list[str]:
    """Check an assistant message's tool_calls; return their ids."""
    if not isinstance(calls, list):
        raise ApiError(400, f"Invalid type for '{where}.tool_calls': expected an array of objects.", f"{where}.tool_calls", "invalid_type")
    ids = []
    for j, call in enumerate(calls):
        at = f"{where}.tool_calls[{j}]"
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(call, dict) or not isinstance(call.get("id"), str):
            raise ApiError(400, f"Missing required parameter: '{at}.id'.", f"{at}.id", "missing_required_parameter")
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise ApiError(400, f"Missing required parameter: '{at}.function'.", f"{at}.function", "missing_required_parameter")
        if not isinstance(fn.get("arguments"), str):
            raise ApiError(400, f"Invalid type for '{at}.function.arguments': expected a string (JSON text), but got "
                           f"{type(fn.get('arguments')).__name__} instead.", f"{at}.function.arguments", "invalid_type")
        ids.append(call["id"])
    return ids


def _messages(messages: Any) -> None:
    if not isinstance(messages, list):
        raise ApiError(400, "Invalid type for 'messages': expected an array, but got something else instead.", "messages", "invalid_type")
    if not messages:
        raise ApiError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array")
    open_ids: set[str] = set()
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict) or "role" not in msg:
            raise ApiError(400, f"Missing required parameter: '{where}.role'.", f"{where}.role", "missing_required_parameter")
        role = msg["role"]
        if role not in ROLES:
            raise ApiError(400, f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.", f"{where}.role", "invalid_value")
        content = msg.get("content")
        if role == "assistant" and content is None and not msg.get("tool_calls"):
            raise ApiError(400, f"Invalid '{where}': an assistant message needs 'content' or 'tool_calls'.", where, "invalid_value")
        if role != "assistant" and content is None:
            raise ApiError(400, f"Missing required parameter: '{where}.content'.", f"{where}.content", "missing_required_parameter")
        if isinstance(content, list):
            for j, part in enumerate(content):
                kind = part.get("type") if isinstance(part, dict) else None
                if kind != "text":
                    raise ApiError(400, f"Invalid '{where}.content[{j}]': the local model reads text parts only (type 'text'), got {kind!r}.", f"{where}.content[{j}].type", "invalid_value")
        elif content is not None and not isinstance(content, str):
            raise ApiError(400, f"Invalid type for '{where}.content': expected one of a string or array of objects.", f"{where}.content", "invalid_type")
        if open_ids and role != "tool":
            raise ApiError(400, "An assistant message with 'tool_calls' must be followed by tool messages responding "
                           f"to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
                           f"{', '.join(sorted(open_ids))}", f"{where}.role", None)
        if role == "assistant" and msg.get("tool_calls") is not None:
            open_ids = set(_tool_calls(msg["tool_calls"], where))
        if role == "tool":
            if not msg.get("tool_call_id"):
                raise ApiError(400, f"Missing required parameter: '{where}.tool_call_id'.", f"{where}.tool_call_id", "missing_required_parameter")
            if msg["tool_call_id"] not in open_ids:
                raise ApiError(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                               "message with 'tool_calls'.", f"{where}.role", None)
            open_ids.discard(msg["tool_call_id"])
    if open_ids:
        raise ApiError(400, "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                       f"'tool_call_id'. The following tool_call_ids did not have response messages: {', '.join(sorted(open_ids))}",
                       "messages", None)


def _tools(body: dict) -> None:
    tools, choice = body.get("tools"), body.get("tool_choice")
    names = []
    for i, tool in enumerate(tools or []):
        fn = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(fn, dict) or not fn.get("name"):
            raise ApiError(400, f"Invalid 'tools[{i}]': expected {{'type': 'function', 'function': {{'name': ..., 'parameters': {{...}}}}}}.", f"tools[{i}]", "invalid_value")
        params = fn.get("parameters")
        if params is not None and not isinstance(params, dict):
            raise ApiError(400, f"Invalid type for 'tools[{i}].function.parameters': expected an object (a JSON Schema).", f"tools[{i}].function.parameters", "invalid_type")
        names.append(fn["name"])
    if choice is None:
        return
    if not tools:
        raise ApiError(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice", None)
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise ApiError(400, f"Invalid value: '{choice}'. Supported values are: 'none', 'auto', and 'required'.", "tool_choice", "invalid_value")
        return
    name = (choice.get("function") or {}).get("name") if isinstance(choice, dict) else None
    if name not in names:
        raise ApiError(400, f"Invalid value for 'tool_choice': function {name!r} is not in 'tools'.", "tool_choice", "invalid_value")


def _response_format(body: dict) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind not in ("text", "json_object", "json_schema"):
        raise ApiError(400, f"Invalid value: {kind!r}. Supported values are: 'text', 'json_object', and 'json_schema'.", "response_format.type", "invalid_value")
    if kind == "json_object":
        text = " ".join(str(m.get("content")) for m in body["messages"])
        if "json" not in text.lower():
            raise ApiError(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages", None)
    if kind == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not spec.get("name"):
            raise ApiError(400, "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name", "missing_required_parameter")
        if not isinstance(spec.get("schema", {}), dict):
            raise ApiError(400, "Invalid type for 'response_format.json_schema.schema': expected an object.", "response_format.json_schema.schema", "invalid_type")


def validate(body: Any, served_model: str) -> None:
    """Raise ApiError for anything OpenAI would reject; return None when the body is fine."""
    if not isinstance(body, dict):
        raise ApiError(400, "We could not parse the JSON body of your request. The body must be a JSON object.", None, None)
    for name in ("messages", "model"):
        if name not in body:
            raise ApiError(400, f"Missing required parameter: '{name}'.", name, "missing_required_parameter")
    unknown = sorted(set(body) - KNOWN_PARAMS)
    if unknown:
        raise ApiError(400, f"Unrecognized request argument supplied: {unknown[0]}", unknown[0], "unknown_parameter")
    if body["model"] != served_model:
        raise ApiError(404, f"The model `{body['model']}` does not exist or you do not have access to it. "
                       f"The local backend serves `{served_model}` (use default_model()).", "model", "model_not_found")
    for name, what in UNSUPPORTED.items():
        if body.get(name) is not None:
            raise ApiError(400, f"Unsupported parameter: '{name}' is not supported with this model. {what}", name, "unsupported_parameter")
    for name in ("stream", "logprobs", "store", "parallel_tool_calls"):
        _boolean(body, name)
    _messages(body["messages"])
    _number(body, "temperature", 0, 2)
    _number(body, "top_p", 0, 1)
    _number(body, "presence_penalty", -2, 2)
    _number(body, "frequency_penalty", -2, 2)
    _number(body, "n", 1, 128, integer=True)
    _number(body, "max_tokens", 1, 2**31, integer=True)
    _number(body, "max_completion_tokens", 1, 2**31, integer=True)
    _number(body, "top_logprobs", 0, 20, integer=True)
    _number(body, "seed", -(2**63), 2**63 - 1, integer=True)
    if body.get("max_tokens") is not None and body.get("max_completion_tokens") is not None:
        raise ApiError(400, "Setting 'max_tokens' and 'max_completion_tokens' at the same time is not supported.", "max_tokens", "invalid_parameter_combination")
    if body.get("top_logprobs") is not None and not body.get("logprobs"):
        raise ApiError(400, "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.", "top_logprobs", None)
    if body.get("stream_options") is not None and not body.get("stream"):
        raise ApiError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", None)
    stop = body.get("stop")
    if stop is not None:
        stops = [stop] if isinstance(stop, str) else stop
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            raise ApiError(400, "Invalid type for 'stop': expected a string or an array of strings.", "stop", "invalid_type")
        if len(stops) > 4:
            raise ApiError(400, f"Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length {len(stops)} instead.", "stop", "array_above_max_length")
    bias = body.get("logit_bias")
    if bias is not None:
        if not isinstance(bias, dict):
            raise ApiError(400, "Invalid type for 'logit_bias': expected an object.", "logit_bias", "invalid_type")
        for key, value in bias.items():
            if not str(key).lstrip("-").isdigit():
                raise ApiError(400, f"Invalid key in 'logit_bias': {key}. Keys must be token ids (integers as strings).", "logit_bias", "invalid_value")
            if not isinstance(value, int | float) or not -100 <= value <= 100:
                raise ApiError(400, f"Invalid value for 'logit_bias': bias for token {key} must be between -100 and 100, got {value}.", "logit_bias", "invalid_value")
    _response_format(body)
    _tools(body)
