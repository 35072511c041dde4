"""Bad requests to the local backend fail like OpenAI's API: a 400 in OpenAI's shape, at once.

Every case goes through the real SDK (``client.chat.completions.create``) on a client that
*would* retry (``max_retries=3``), and checks that the transport was called exactly once:
a 400 is final, never retried, and no tokens are generated for it.
"""

from __future__ import annotations

import time

import httpx2
import openai
import pytest

from helpers import make_client
from helpers.local import transport

SYSTEM = {"role": "system", "content": "You are a concise assistant."}
USER = {"role": "user", "content": "Hi there."}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}

# id, keyword arguments for create() (``messages`` overrides the default), param, code
CASES = [
    ("temperature-3", {"temperature": 3}, "temperature", "decimal_above_max_value"),
    ("temperature--1", {"temperature": -1}, "temperature", "decimal_below_min_value"),
    ("top_p-2", {"top_p": 2}, "top_p", "decimal_above_max_value"),
    ("n-0", {"n": 0}, "n", "integer_below_min_value"),
    ("top_logprobs-21", {"logprobs": True, "top_logprobs": 21}, "top_logprobs", "integer_above_max_value"),
    ("top_logprobs-without-logprobs", {"top_logprobs": 3}, "top_logprobs", None),
    ("top_logprobs-with-logprobs-false", {"logprobs": False, "top_logprobs": 3}, "top_logprobs", None),
    ("presence_penalty-3", {"presence_penalty": 3}, "presence_penalty", "decimal_above_max_value"),
    ("frequency_penalty--3", {"frequency_penalty": -3}, "frequency_penalty", "decimal_below_min_value"),
    ("max_tokens-0", {"max_tokens": 0}, "max_tokens", "integer_below_min_value"),
    ("max_completion_tokens-0", {"max_completion_tokens": 0}, "max_completion_tokens",
     "integer_below_min_value"),
    ("stop-5-items", {"stop": ["a", "b", "c", "d", "e"]}, "stop", "array_above_max_length"),
    ("stop-not-strings", {"extra_body": {"stop": [1, 2]}}, "stop[0]", "invalid_type"),
    ("stream_options-without-stream", {"stream_options": {"include_usage": True}}, "stream_options", None),
    ("max_tokens-and-max_completion_tokens", {"max_tokens": 5, "max_completion_tokens": 5},
     "max_tokens", "invalid_parameter_combination"),
    ("logit_bias-200", {"logit_bias": {"42": 200}}, "logit_bias", "invalid_value"),
    ("logit_bias--101", {"logit_bias": {"42": -101}}, "logit_bias", "invalid_value"),
    ("logit_bias-non-numeric-key", {"logit_bias": {"hello": 5}}, "logit_bias", "invalid_value"),
    ("logit_bias-token-outside-vocab", {"logit_bias": {"99999999": 5}}, "logit_bias", "invalid_value"),
    ("tool_choice-without-tools", {"tool_choice": "auto"}, "tool_choice", None),
    ("tool_choice-missing-function",
     {"tools": [WEATHER_TOOL], "tool_choice": {"type": "function", "function": {"name": "get_time"}}},
     "tool_choice", "invalid_value"),
    ("tool_choice-bad-string", {"tools": [WEATHER_TOOL], "extra_body": {"tool_choice": "always"}},
     "tool_choice", "invalid_value"),
    ("tool-not-a-function", {"extra_body": {"tools": [{"type": "web_search"}]}}, "tools[0]", "invalid_value"),
    ("json_object-without-json", {"response_format": {"type": "json_object"}}, "messages", None),
    ("response_format-bad-type", {"extra_body": {"response_format": {"type": "yaml"}}},
     "response_format.type", "invalid_value"),
    ("json_schema-without-name",
     {"extra_body": {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}},
     "response_format.json_schema.name", "missing_required_parameter"),
    ("empty-messages", {"messages": []}, "messages", "empty_array"),
    ("bad-role", {"messages": [{"role": "robot", "content": "beep"}]}, "messages[0].role", "invalid_value"),
    ("missing-role", {"messages": [{"content": "no role"}]}, "messages[0].role", "missing_required_parameter"),
    ("user-without-content", {"messages": [SYSTEM, {"role": "user"}]}, "messages[1].content",
     "missing_required_parameter"),
    ("assistant-without-content-or-tool_calls",
     {"messages": [SYSTEM, USER, {"role": "assistant", "content": None}]}, "messages[2]", "invalid_value"),
    ("tool-without-tool_call_id", {"messages": [SYSTEM, USER, {"role": "tool", "content": "22C"}]},
     "messages[2].tool_call_id", "missing_required_parameter"),
    ("content-not-string-or-list", {"messages": [SYSTEM, {"role": "user", "content": 42}]},
     "messages[1].content", "invalid_type"),
    ("image-content-part",
     {"messages": [SYSTEM, {"role": "user", "content": [
         {"type": "text", "text": "What is in this picture?"},
         {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
     ]}]},
     "messages[1].content[1].type", "invalid_value"),
    ("unknown-parameter", {"extra_body": {"foo": 1}}, "foo", "unknown_parameter"),
    ("string-temperature", {"extra_body": {"temperature": "hot"}}, "temperature", "invalid_type"),
    ("string-n", {"extra_body": {"n": "two"}}, "n", "invalid_type"),
    ("float-n", {"extra_body": {"n": 1.5}}, "n", "invalid_type"),
    ("bool-max_tokens", {"extra_body": {"max_completion_tokens": True}}, "max_completion_tokens",
     "invalid_type"),
    ("unsupported-reasoning_effort", {"reasoning_effort": "low"}, "reasoning_effort", "unsupported_parameter"),
    ("unsupported-functions",
     {"extra_body": {"functions": [{"name": "f", "parameters": {"type": "object"}}]}},
     "functions", "unsupported_parameter"),
]


@pytest.fixture
def retrying_client():
    """A client that would retry three times, if the error were retryable."""
    return make_client("local", replay="off", max_retries=3)


@pytest.fixture
def calls(monkeypatch):
    """Count requests that reach the local backend (retries included)."""
    seen: list[str] = []
    real = transport.handle

    def counting(request, *args, **kwargs):
        seen.append(f"{request.method} {request.url.path}")
        return real(request, *args, **kwargs)

    monkeypatch.setattr(transport, "handle", counting)
    return seen


@pytest.mark.parametrize(("kwargs", "param", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_request_is_a_400_in_openai_shape_without_retries(retrying_client, calls, model, kwargs,
                                                             param, code):
    kwargs = dict(kwargs)
    messages = kwargs.pop("messages", [SYSTEM, USER])
    limits = {"max_tokens", "max_completion_tokens"}
    if not limits & (set(kwargs) | set(kwargs.get("extra_body", {}))):
        kwargs["max_completion_tokens"] = 5  # should the request wrongly pass, keep it short
    with pytest.raises(openai.BadRequestError) as info:
        started = time.monotonic()
        retrying_client.chat.completions.create(model=model, messages=messages, **kwargs)
    elapsed = time.monotonic() - started
    err = info.value
    assert err.status_code == 400
    assert isinstance(err.body, dict)
    assert set(err.body) == {"message", "type", "param", "code"}
    assert err.body["type"] == err.type == "invalid_request_error"
    assert err.body["param"] == err.param == param
    assert err.body["code"] == err.code == code
    assert isinstance(err.body["message"], str) and err.body["message"]
    assert err.body["message"] in str(err)
    assert err.request_id and err.request_id.startswith("req_")
    assert calls == ["POST /v1/chat/completions"], "a 400 must not be retried"
    assert elapsed < 2.0


def test_temperature_message_names_the_limit_and_the_value(client, model, ask):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=model, messages=ask("Hi"), temperature=3)
    message = info.value.body["message"]
    assert "'temperature'" in message
    assert "<= 2" in message and "got 3" in message


def test_decimal_type_message_uses_the_right_article(client, model, ask):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=model, messages=ask("Hi"), extra_body={"temperature": "hot"})
    message = info.value.body["message"]
    assert "expected a decimal, but got a string" in message


def test_unknown_model_is_a_404_not_found_without_retries(retrying_client, calls, ask):
    started = time.monotonic()
    with pytest.raises(openai.NotFoundError) as info:
        retrying_client.chat.completions.create(model="gpt-does-not-exist", messages=ask("Hi"),
                                                max_completion_tokens=5)
    err = info.value
    assert err.status_code == 404
    assert err.code == "model_not_found" and err.param == "model"
    assert "gpt-does-not-exist" in err.body["message"]
    assert calls == ["POST /v1/chat/completions"]
    assert time.monotonic() - started < 2.0


def test_the_call_counter_does_see_retries(retrying_client, calls, monkeypatch, model, ask):
    """Control for the tests above: a retryable 500 *is* retried, and the counter sees it."""

    def server_error(request, *args, **kwargs):
        calls.append(f"{request.method} {request.url.path}")
        return httpx2.Response(500, headers={"content-type": "application/json", "retry-after-ms": "1"},
                               content=b'{"error": {"message": "boom", "type": "server_error", '
                                       b'"param": null, "code": null}}')

    monkeypatch.setattr(transport, "handle", server_error)
    with pytest.raises(openai.InternalServerError):
        retrying_client.chat.completions.create(model=model, messages=ask("Hi"), max_completion_tokens=5)
    assert len(calls) == 4  # the first try and three retries


@pytest.mark.live
def test_a_valid_request_after_an_error_still_works(client, model, ask):
    """Validation happens before generation: an error leaves the model free for the next call."""
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=model, messages=ask("Hi"), n=0)
    resp = client.chat.completions.create(model=model, messages=ask("Hi"), max_completion_tokens=3,
                                          temperature=0)
    assert resp.choices[0].finish_reason in ("stop", "length")
    assert 1 <= resp.usage.completion_tokens <= 3


def test_errors_come_before_streaming(retrying_client, calls, model):
    with pytest.raises(openai.BadRequestError) as info:
        retrying_client.chat.completions.create(model=model, messages=[SYSTEM, USER], temperature=3,
                                                stream=True)
    assert info.value.code == "decimal_above_max_value"
    assert calls == ["POST /v1/chat/completions"]


def test_context_length_exceeded(retrying_client, calls, model):
    long = {"role": "user", "content": "hello " * 9000}
    with pytest.raises(openai.BadRequestError) as info:
        retrying_client.chat.completions.create(model=model, messages=[SYSTEM, long], max_completion_tokens=5)
    assert info.value.code == "context_length_exceeded"
    assert info.value.param == "messages"
    assert "8192" in info.value.body["message"]
    assert calls == ["POST /v1/chat/completions"]


CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
TOOL_REPLY = {"role": "tool", "tool_call_id": "call_1", "content": "22 C and sunny"}


# Malformed requests that OpenAI answers with a 400 (once gaps in the local backend, now fixed).
KNOWN_GAPS = [
    pytest.param(
        {"messages": [SYSTEM, USER, {"role": "assistant", "content": None,
                                     "tool_calls": [{"id": "call_1", "type": "function"}]}, TOOL_REPLY]},
        id="tool_call-without-function"),
    pytest.param(
        {"messages": [SYSTEM, USER, {"role": "assistant", "content": None, "tool_calls": "get_weather"}]},
        id="tool_calls-not-a-list"),
    pytest.param(
        {"messages": [SYSTEM, USER, {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}, TOOL_REPLY]},
        id="tool_call-arguments-not-a-string"),
    pytest.param(
        {"messages": [SYSTEM, USER, TOOL_REPLY]},
        id="tool-message-without-preceding-tool_calls"),
    pytest.param(
        {"messages": [SYSTEM, USER, {"role": "assistant", "content": None, "tool_calls": [CALL]}]},
        id="tool_call-without-tool-reply"),
    pytest.param(
        {"extra_body": {"response_format": {"type": "json_schema", "json_schema": {
            "name": "x", "schema": {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}}}}},
        id="json_schema-unresolvable-ref"),
    pytest.param(
        {"tools": [{"type": "function", "function": {"name": "f", "parameters": "an object"}}],
         "tool_choice": "required"},
        id="tool-parameters-not-an-object"),
    pytest.param(
        {"tools": [{"type": "function", "function": {"name": "f", "parameters": {
            "type": "object", "properties": {"a": {"$ref": "#/nope"}}}}}], "tool_choice": "required"},
        id="tool-parameters-unresolvable-ref"),
    pytest.param(
        {"extra_body": {"stream": "no"}},
        id="stream-not-a-boolean"),
    pytest.param(
        {"extra_body": {"logprobs": "yes"}},
        id="logprobs-not-a-boolean"),
]


@pytest.mark.parametrize("kwargs", KNOWN_GAPS)
def test_malformed_request_is_a_400(retrying_client, calls, model, kwargs):
    kwargs = dict(kwargs)
    messages = kwargs.pop("messages", [SYSTEM, USER])
    with pytest.raises(openai.BadRequestError) as info:
        retrying_client.chat.completions.create(model=model, messages=messages, max_completion_tokens=5,
                                                **kwargs)
    assert info.value.status_code == 400
    assert calls == ["POST /v1/chat/completions"]


def test_integer_limits_are_printed_exactly(client, model, ask):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=model, messages=ask("Hi"), seed=2**63)
    assert info.value.code == "integer_above_max_value"
    message = info.value.body["message"]
    assert str(2**63 - 1) in message and str(2**63) in message


def test_an_unsupported_parameter_reads_like_openai_and_says_what_to_do(client, model, ask):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=model, messages=ask("Hi"),
                                       extra_body={"functions": [{"name": "f", "parameters": {"type": "object"}}]})
    assert caught.value.body["message"] == ("Unsupported parameter: 'functions' is not supported with this "
                                            "model. 'functions' is deprecated: use 'tools' instead.")
