"""Malformed requests sent as raw HTTP to the local backend: always OpenAI's 400, never a crash.

``handle()`` is called directly with the bytes a client could send (so NaN, broken JSON and
types the SDK's own types would flag are all reachable). A table of malformed requests,
each with the ``param`` OpenAI names, and a seeded random mutator of valid requests (300
cases) that checks ``handle()`` never raises and answers 200 or a 4xx in OpenAI's shape.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import httpx2
import pytest

from helpers.local import chat
from helpers.local.limits import MAX_REQUEST_TOKENS, STOP_MAX_CHARS
from helpers.local.transport import handle
from helpers.local.validate import ApiError, validate
from helpers.settings import LOCAL_MODEL_ID

SYSTEM = {"role": "system", "content": "You are a concise assistant."}
USER = {"role": "user", "content": "Hi there."}
BASE = {"model": LOCAL_MODEL_ID, "messages": [SYSTEM, USER], "max_completion_tokens": 2}
TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
CALL = {
    "id": "c1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
}
ASKED = {"role": "assistant", "content": None, "tool_calls": [CALL]}
ANSWER = {"role": "tool", "tool_call_id": "c1", "content": "12 C"}


def user(content=None, **extra) -> list[dict]:
    msg = {"role": "user", **extra}
    if content is not None:
        msg["content"] = content
    return [SYSTEM, msg]


def calls(*tool_calls) -> list[dict]:
    return [
        SYSTEM,
        USER,
        {"role": "assistant", "content": None, "tool_calls": list(tool_calls)},
        ANSWER,
    ]


def fn(**function) -> dict:
    return {"type": "function", "function": {"name": "get_weather", **function}}


def schema(**spec) -> dict:
    return {"type": "json_schema", "json_schema": {"name": "answer", **spec}}


def tools(*items) -> dict:
    return {"tools": list(items)}


DELETE = object()
# id, changes to BASE (DELETE removes a key; "raw" gives the body bytes), param OpenAI names
CASES: list[tuple[str, dict, str | None]] = [
    # the body itself
    ("body-not-json", {"raw": b"{'model': 1"}, None),
    ("body-an-array", {"raw": b"[]"}, None),
    ("body-empty", {"raw": b""}, None),
    (
        "body-nan-temperature",
        {
            "raw": b'{"model": "%s", "messages": [{"role": "user", "content": "Hi"}], '
            b'"temperature": NaN}' % LOCAL_MODEL_ID.encode()
        },
        None,
    ),
    (
        "body-infinity-top-p",
        {
            "raw": b'{"model": "%s", "messages": [{"role": "user", "content": "Hi"}], '
            b'"top_p": Infinity}' % LOCAL_MODEL_ID.encode()
        },
        None,
    ),
    ("body-nested-100k-deep", {"raw": b"[" * 100_000 + b"]" * 100_000}, None),
    ("missing-model", {"model": DELETE}, "model"),
    ("missing-messages", {"messages": DELETE}, "messages"),
    ("model-a-number", {"model": 5}, "model"),
    ("unknown-parameter", {"foo": 1}, "foo"),
    # messages
    ("messages-a-string", {"messages": "hi"}, "messages"),
    ("messages-null", {"messages": None}, "messages"),
    ("messages-empty", {"messages": []}, "messages"),
    ("message-a-string", {"messages": ["hi"]}, "messages[0]"),
    ("message-a-number", {"messages": [5]}, "messages[0]"),
    ("role-a-list", {"messages": [{"role": ["user"], "content": "Hi"}]}, "messages[0].role"),
    ("role-null", {"messages": [{"role": None, "content": "Hi"}]}, "messages[0].role"),
    ("role-unknown", {"messages": [{"role": "robot", "content": "Hi"}]}, "messages[0].role"),
    (
        "role-deprecated-function",
        {"messages": [{"role": "function", "name": "f", "content": "1"}]},
        "messages[0].role",
    ),
    ("role-missing", {"messages": [{"content": "Hi"}]}, "messages[0].role"),
    ("content-a-number", {"messages": user(42)}, "messages[1].content"),
    (
        "content-null",
        {"messages": [SYSTEM, {"role": "user", "content": None}]},
        "messages[1].content",
    ),
    ("content-missing", {"messages": user()}, "messages[1].content"),
    ("content-an-object", {"messages": user({})}, "messages[1].content"),
    ("content-empty-list", {"messages": user([])}, "messages[1].content"),
    ("content-part-a-string", {"messages": user(["hi"])}, "messages[1].content[0]"),
    (
        "text-part-text-a-number",
        {"messages": user([{"type": "text", "text": 5}])},
        "messages[1].content[0].text",
    ),
    (
        "text-part-without-text",
        {"messages": user([{"type": "text"}])},
        "messages[1].content[0].text",
    ),
    ("part-without-type", {"messages": user([{"text": "hi"}])}, "messages[1].content[0].type"),
    (
        "part-type-unknown",
        {"messages": user([{"type": "video", "video": "x"}])},
        "messages[1].content[0].type",
    ),
    (
        "part-image-on-a-text-model",
        {
            "messages": user(
                [{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]
            )
        },
        "messages[1].content[0].type",
    ),
    (
        "part-image-without-url",
        {"messages": user([{"type": "image_url"}])},
        "messages[1].content[0].image_url",
    ),
    (
        "system-part-image",
        {
            "messages": [
                {
                    "role": "system",
                    "content": [
                        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
                    ],
                },
                USER,
            ]
        },
        "messages[0].content[0].type",
    ),
    ("message-unknown-key", {"messages": user("Hi", foo=1)}, "messages[1].foo"),
    ("message-name-a-number", {"messages": user("Hi", name=5)}, "messages[1].name"),
    (
        "content-over-10-MiB",
        {"messages": user("a" * (10 * 1024 * 1024 + 1))},
        "messages[1].content",
    ),
    ("content-5-MB-one-word", {"messages": user("a" * 5_000_000)}, "messages"),
    (
        "tool_call_id-a-list",
        {
            "messages": [
                SYSTEM,
                USER,
                ASKED,
                {"role": "tool", "tool_call_id": ["c1"], "content": "12 C"},
            ]
        },
        "messages[3].tool_call_id",
    ),
    (
        "tool-message-without-id",
        {"messages": [SYSTEM, USER, ASKED, {"role": "tool", "content": "12 C"}]},
        "messages[3].tool_call_id",
    ),
    ("tool-message-without-call", {"messages": [SYSTEM, USER, ANSWER]}, "messages[2].role"),
    (
        "tool_calls-a-string",
        {"messages": [SYSTEM, USER, {"role": "assistant", "tool_calls": "x"}]},
        "messages[2].tool_calls",
    ),
    (
        "tool_calls-empty",
        {"messages": [SYSTEM, USER, {"role": "assistant", "content": "ok", "tool_calls": []}]},
        "messages[2].tool_calls",
    ),
    (
        "tool_call-without-id",
        {"messages": calls({k: v for k, v in CALL.items() if k != "id"})},
        "messages[2].tool_calls[0].id",
    ),
    ("tool_call-id-null", {"messages": calls(CALL | {"id": None})}, "messages[2].tool_calls[0].id"),
    (
        "tool_call-without-function",
        {"messages": calls({"id": "c1", "type": "function"})},
        "messages[2].tool_calls[0].function",
    ),
    (
        "tool_call-arguments-an-object",
        {
            "messages": calls(
                CALL | {"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}
            )
        },
        "messages[2].tool_calls[0].function.arguments",
    ),
    (
        "tool_call-name-a-number",
        {"messages": calls(CALL | {"function": {"name": 5, "arguments": "{}"}})},
        "messages[2].tool_calls[0].function.name",
    ),
    (
        "tool_call-type-unknown",
        {"messages": calls(CALL | {"type": "x"})},
        "messages[2].tool_calls[0].type",
    ),
    ("tool_call-unanswered", {"messages": [SYSTEM, USER, ASKED]}, "messages"),
    (
        "assistant-without-content-or-calls",
        {"messages": [SYSTEM, USER, {"role": "assistant"}]},
        "messages[2]",
    ),
    # sampling
    ("temperature-a-string", {"temperature": "hot"}, "temperature"),
    ("temperature-3", {"temperature": 3}, "temperature"),
    ("temperature-negative", {"temperature": -1}, "temperature"),
    ("temperature-a-list", {"temperature": [1]}, "temperature"),
    ("top_p-2", {"top_p": 2}, "top_p"),
    ("top_p-a-list", {"top_p": []}, "top_p"),
    ("presence_penalty-3", {"presence_penalty": 3}, "presence_penalty"),
    ("frequency_penalty-a-string", {"frequency_penalty": "x"}, "frequency_penalty"),
    ("n-0", {"n": 0}, "n"),
    ("n-1.5", {"n": 1.5}, "n"),
    ("n-129", {"n": 129}, "n"),
    (
        "n-128-over-the-local-budget",
        {"n": 128, "max_completion_tokens": MAX_REQUEST_TOKENS // 64},
        "n",
    ),
    ("n-a-string", {"n": "2"}, "n"),
    ("max_tokens-0", {"max_completion_tokens": DELETE, "max_tokens": 0}, "max_tokens"),
    ("max_completion_tokens-negative", {"max_completion_tokens": -1}, "max_completion_tokens"),
    ("max_completion_tokens-beyond-the-context", {"max_completion_tokens": 10**9}, "messages"),
    ("max_completion_tokens-a-boolean", {"max_completion_tokens": True}, "max_completion_tokens"),
    ("max_tokens-and-max_completion_tokens", {"max_tokens": 2}, "max_tokens"),
    ("seed-2**63", {"seed": 2**63}, "seed"),
    ("seed-a-decimal", {"seed": 1.5}, "seed"),
    ("seed-a-string", {"seed": "1"}, "seed"),
    ("logprobs-a-string", {"logprobs": "yes"}, "logprobs"),
    ("top_logprobs-21", {"logprobs": True, "top_logprobs": 21}, "top_logprobs"),
    ("top_logprobs-without-logprobs", {"top_logprobs": 3}, "top_logprobs"),
    # streaming
    ("stream-a-string", {"stream": "no"}, "stream"),
    ("stream_options-a-string", {"stream": True, "stream_options": "x"}, "stream_options"),
    (
        "stream_options-include_usage-a-string",
        {"stream": True, "stream_options": {"include_usage": "yes"}},
        "stream_options.include_usage",
    ),
    (
        "stream_options-unknown-key",
        {"stream": True, "stream_options": {"foo": 1}},
        "stream_options.foo",
    ),
    (
        "stream_options-without-stream",
        {"stream_options": {"include_usage": True}},
        "stream_options",
    ),
    # stop
    ("stop-a-number", {"stop": 5}, "stop"),
    ("stop-numbers", {"stop": [1, 2]}, "stop[0]"),
    ("stop-5-sequences", {"stop": list("abcde")}, "stop"),
    ("stop-empty-sequence", {"stop": [""]}, "stop[0]"),
    ("stop-empty-string", {"stop": ""}, "stop"),
    ("stop-1-MB", {"stop": "x" * 1_000_000}, "stop"),
    ("stop-just-too-long", {"stop": ["x" * (STOP_MAX_CHARS + 1)]}, "stop[0]"),
    # logit_bias
    ("logit_bias-unicode-digit-key", {"logit_bias": {"²": 1}}, "logit_bias"),
    ("logit_bias-word-key", {"logit_bias": {"hello": 1}}, "logit_bias"),
    ("logit_bias-200", {"logit_bias": {"42": 200}}, "logit_bias"),
    ("logit_bias-value-a-string", {"logit_bias": {"42": "x"}}, "logit_bias.42"),
    ("logit_bias-a-list", {"logit_bias": []}, "logit_bias"),
    ("logit_bias-outside-the-vocabulary", {"logit_bias": {"99999999": 1}}, "logit_bias"),
    # metadata
    ("metadata-a-string", {"metadata": "x"}, "metadata"),
    ("metadata-value-a-number", {"metadata": {"k": 5}}, "metadata.k"),
    ("metadata-17-pairs", {"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
    ("metadata-key-65-chars", {"metadata": {"k" * 65: "v"}}, "metadata"),
    ("metadata-value-513-chars", {"metadata": {"k": "v" * 513}}, "metadata.k"),
    # tools
    ("tools-a-number", {"tools": 5}, "tools"),
    ("tools-empty", {"tools": []}, "tools"),
    ("tool-a-number", tools(5), "tools[0]"),
    ("tool-not-a-function", tools({"type": "web_search"}), "tools[0]"),
    ("tool-custom", tools({"type": "custom", "custom": {"name": "grep"}}), "tools[0]"),
    ("tool-without-function", tools({"type": "function"}), "tools[0].function"),
    (
        "tool-name-a-number",
        tools({"type": "function", "function": {"name": 123}}),
        "tools[0].function.name",
    ),
    (
        "tool-name-with-a-space",
        tools({"type": "function", "function": {"name": "get weather"}}),
        "tools[0].function.name",
    ),
    (
        "tool-name-65-chars",
        tools({"type": "function", "function": {"name": "f" * 65}}),
        "tools[0].function.name",
    ),
    ("tool-parameters-a-string", tools(fn(parameters="an object")), "tools[0].function.parameters"),
    (
        "tool-parameters-required-a-string",
        tools(
            fn(
                parameters={
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "required": "a",
                }
            )
        ),
        "tools[0].function.parameters",
    ),
    (
        "tool-parameters-unknown-type",
        tools(fn(parameters={"type": "nope"})),
        "tools[0].function.parameters",
    ),
    (
        "tool-parameters-unresolvable-ref",
        tools(fn(parameters={"type": "object", "properties": {"a": {"$ref": "#/nope"}}}))
        | {"tool_choice": "required"},
        "tools",
    ),
    ("tool-description-a-number", tools(fn(description=5)), "tools[0].function.description"),
    ("tool-strict-a-string", tools(fn(strict="yes")), "tools[0].function.strict"),
    ("tools-129", {"tools": [fn() | {"function": {"name": f"f{i}"}} for i in range(129)]}, "tools"),
    ("tool_choice-without-tools", {"tool_choice": "auto"}, "tool_choice"),
    ("tool_choice-unknown-string", tools(TOOL) | {"tool_choice": "always"}, "tool_choice"),
    (
        "tool_choice-function-a-string",
        tools(TOOL) | {"tool_choice": {"type": "function", "function": "get_weather"}},
        "tool_choice.function",
    ),
    (
        "tool_choice-function-not-in-tools",
        tools(TOOL) | {"tool_choice": {"type": "function", "function": {"name": "get_time"}}},
        "tool_choice",
    ),
    (
        "tool_choice-function-missing",
        tools(TOOL) | {"tool_choice": {"type": "function"}},
        "tool_choice.function",
    ),
    ("tool_choice-a-number", tools(TOOL) | {"tool_choice": 5}, "tool_choice"),
    (
        "tool_choice-custom",
        tools(TOOL) | {"tool_choice": {"type": "custom", "custom": {"name": "grep"}}},
        "tool_choice.type",
    ),
    (
        "parallel_tool_calls-a-string",
        tools(TOOL) | {"parallel_tool_calls": "yes"},
        "parallel_tool_calls",
    ),
    # response_format
    ("response_format-a-string", {"response_format": "json"}, "response_format"),
    ("response_format-unknown-type", {"response_format": {"type": "yaml"}}, "response_format.type"),
    ("response_format-without-type", {"response_format": {}}, "response_format.type"),
    ("json_object-without-the-word-json", {"response_format": {"type": "json_object"}}, "messages"),
    (
        "json_schema-without-json_schema",
        {"response_format": {"type": "json_schema"}},
        "response_format.json_schema",
    ),
    (
        "json_schema-without-name",
        {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}},
        "response_format.json_schema.name",
    ),
    (
        "json_schema-name-with-a-space",
        {"response_format": {"type": "json_schema", "json_schema": {"name": "my answer"}}},
        "response_format.json_schema.name",
    ),
    (
        "json_schema-schema-a-string",
        {"response_format": schema(schema="x")},
        "response_format.json_schema.schema",
    ),
    (
        "json_schema-required-a-string",
        {
            "response_format": schema(
                schema={"type": "object", "properties": {"a": {"type": "string"}}, "required": "a"}
            )
        },
        "response_format.json_schema.schema",
    ),
    (
        "json_schema-unknown-type",
        {"response_format": schema(schema={"type": "nope"})},
        "response_format.json_schema.schema",
    ),
    (
        "json_schema-unresolvable-ref",
        {
            "response_format": schema(
                schema={"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}
            )
        },
        "response_format.json_schema.schema",
    ),
    (
        "json_schema-strict-a-string",
        {"response_format": schema(schema={"type": "object"}, strict="yes")},
        "response_format.json_schema.strict",
    ),
    # the rest of the parameters
    ("user-a-number", {"user": 5}, "user"),
    ("store-a-string", {"store": "x"}, "store"),
    ("service_tier-unknown", {"service_tier": "turbo"}, "service_tier"),
    ("modalities-a-string", {"modalities": "text"}, "modalities"),
    ("verbosity-unknown", {"verbosity": "loud"}, "verbosity"),
    ("prompt_cache_key-a-number", {"prompt_cache_key": 5}, "prompt_cache_key"),
    ("reasoning_effort-unsupported", {"reasoning_effort": "low"}, "reasoning_effort"),
    ("functions-deprecated", {"functions": [{"name": "f"}]}, "functions"),
]


def body_of(changes: dict) -> bytes:
    if "raw" in changes:
        return changes["raw"]
    body = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is DELETE:
            body.pop(key, None)
        else:
            body[key] = value
    return json.dumps(body).encode()


def send(content: bytes) -> httpx2.Response:
    request = httpx2.Request(
        "POST",
        "http://local.test/v1/chat/completions",
        content=content,
        headers={"content-type": "application/json"},
    )
    response = handle(request)
    response.read()  # a stream is generated here, to the end: it must not raise either
    return response


def assert_openai_error(response: httpx2.Response) -> dict:
    error = json.loads(response.content)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert isinstance(error["message"], str) and error["message"]
    assert error["code"] is None or isinstance(error["code"], str)
    return error


def test_the_table_has_the_cases_the_issue_lists_and_more():
    ids = {c[0] for c in CASES}
    assert len(CASES) >= 75 and len(ids) == len(CASES)
    for wanted in (
        "role-a-list",
        "tool_call_id-a-list",
        "tools-a-number",
        "text-part-text-a-number",
        "tool_choice-function-a-string",
        "stream_options-a-string",
        "logit_bias-unicode-digit-key",
        "text-part-without-text",
        "tool-name-a-number",
        "metadata-a-string",
        "json_schema-required-a-string",
        "stop-1-MB",
        "stop-empty-sequence",
        "body-nan-temperature",
        "max_completion_tokens-beyond-the-context",
        "n-128-over-the-local-budget",
    ):
        assert wanted in ids


@pytest.mark.parametrize(("changes", "param"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_request_is_openai_400(changes, param):
    response = send(body_of(changes))
    assert response.status_code == 400, response.content[:300]
    error = assert_openai_error(response)
    assert error["param"] == param


def test_a_request_beyond_the_context_reads_like_openai():
    response = send(body_of({"max_completion_tokens": 10**9}))
    error = assert_openai_error(response)
    assert error["code"] == "context_length_exceeded"
    assert "maximum context length is 8192 tokens" in error["message"]
    assert "in the messages, 1000000000 in the completion" in error["message"]


def test_the_n_limit_names_the_local_budget():
    error = assert_openai_error(send(body_of({"n": 128, "max_completion_tokens": 100})))
    assert str(MAX_REQUEST_TOKENS) in error["message"] and "n=128" in error["message"]
    assert error["code"] == "integer_above_max_value"


# -- fuzz: a seeded mutator of valid requests ------------------------------------------
VALID = [
    BASE,
    BASE | {"temperature": 0, "seed": 3, "stop": ["\n"], "logprobs": True, "top_logprobs": 2},
    BASE | {"stream": True, "stream_options": {"include_usage": True}, "n": 2},
    BASE | {"tools": [TOOL], "tool_choice": "required", "max_completion_tokens": 3},
    BASE | {"messages": [SYSTEM, USER, ASKED, ANSWER], "tools": [TOOL]},
    BASE
    | {
        "messages": [
            SYSTEM,
            {"role": "user", "content": [{"type": "text", "text": "Reply in JSON."}]},
        ],
        "response_format": {"type": "json_object"},
    },
    BASE
    | {
        "response_format": schema(
            schema={"type": "object", "properties": {"a": {"type": "integer"}}}
        )
    },
    BASE | {"logit_bias": {"42": -100}, "presence_penalty": 1.5, "metadata": {"lesson": "x"}},
]
ODD_VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    1.5,
    -0.5,
    2**40,
    "",
    "x",
    "user",
    "function",
    "auto",
    "<|im_end|>",
    "²",
    [],
    [1],
    ["a"],
    {},
    {"a": 1},
    {"type": "text"},
    float("nan"),
]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _mutate(body: dict, rng: random.Random) -> dict:
    body = copy.deepcopy(body)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice([p for p in _paths(body) if p])
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        last, op = path[-1], rng.random()
        if op < 0.2 and isinstance(parent, dict):
            del parent[last]
        elif op < 0.3 and isinstance(parent, dict):
            parent[rng.choice(["foo", "name", "type", "text", "role"])] = rng.choice(ODD_VALUES)
        elif op < 0.4:
            parent[last] = [parent[last]]
        else:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        if not body:
            break
    return body


@pytest.mark.live
def test_fuzzed_requests_get_an_answer_or_an_openai_error(monkeypatch):
    monkeypatch.setattr(chat, "DEFAULT_MAX_COMPLETION_TOKENS", 3)  # keep accepted ones short
    rng = random.Random(20250615)
    statuses: dict[int, int] = {}
    for case in range(300):
        body = _mutate(rng.choice(VALID), rng)
        if (
            isinstance(body.get("max_completion_tokens"), int)
            and 3 < body["max_completion_tokens"] < 10**6
        ):
            body["max_completion_tokens"] = 3
        response = send(json.dumps(body).encode())  # NaN goes out as the non-JSON literal NaN
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code == 200 or 400 <= response.status_code < 500, (
            case,
            body,
            response.content[:300],
        )
        if response.status_code != 200:
            assert_openai_error(response)
        elif body.get("stream") is True:
            lines = [x for x in response.content.decode().split("\n\n") if x]
            assert lines[-1] == "data: [DONE]" and all(x.startswith("data: ") for x in lines)
        else:
            assert json.loads(response.content)["object"] == "chat.completion"
    assert statuses.get(200, 0) >= 10 and statuses.get(400, 0) >= 100, (
        statuses
    )  # both kinds were exercised


# -- the lessons' own requests still pass ----------------------------------------------
RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "data" / "recordings").glob("*/*.json"))


def _local_recordings():
    for path in RECORDINGS:
        stored = json.loads(path.read_text())
        body = stored["request"]["body"]
        if (
            stored["request"]["path"].endswith("/chat/completions")
            and body.get("model") == LOCAL_MODEL_ID
        ):
            yield path, body, stored["responses"][0]


def test_every_recorded_lesson_request_gets_the_same_verdict():
    """The lessons' requests, as recorded: accepted ones still pass, refused ones fail alike."""
    seen = 0
    for path, body, response in _local_recordings():
        seen += 1
        try:
            validate(body, LOCAL_MODEL_ID)
            verdict = (200, None, None)
        except ApiError as err:
            verdict = (err.status, err.param, err.code)
        if response["status"] == 200:
            assert verdict == (200, None, None), (path.name, verdict)
        else:
            error = response["body"]["error"]
            assert verdict == (response["status"], error["param"], error["code"]), (
                path.name,
                verdict,
            )
    assert seen > 100
