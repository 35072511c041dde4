"""Calls without a token limit end in seconds; constrained JSON cannot run on in whitespace.

The default cap (``DEFAULT_MAX_COMPLETION_TOKENS``) is lowered in most tests so that they
stay fast; what they check is that a request without a limit stops there, honestly
(``finish_reason="length"``), and that an explicit limit still wins.
"""

from __future__ import annotations

import json
import re

import pytest

from helpers.local import chat
from helpers.local.chat import grammar_text
from helpers.local.limits import DEFAULT_MAX_COMPLETION_TOKENS, MAX_REQUEST_TOKENS
from helpers.local.model import N_CTX, token_ids
from helpers.local.prompt import tool_call_schema
from helpers.local.validate import validate

STORY = "Tell a long story about a cat who travels the world."
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {
                    "type": "string",
                    "description": "The city and state, e.g. San Francisco, CA",
                },
                "format": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location", "format"],
        },
    },
}


@pytest.fixture
def cap(monkeypatch) -> int:
    monkeypatch.setattr(chat, "DEFAULT_MAX_COMPLETION_TOKENS", 8)
    return 8


def test_the_default_cap_is_a_few_seconds_of_generation_and_fits_the_context():
    assert 64 <= DEFAULT_MAX_COMPLETION_TOKENS <= 1024 < N_CTX
    assert MAX_REQUEST_TOKENS <= N_CTX


@pytest.mark.live
def test_a_call_without_a_limit_stops_at_the_default_cap(client, model, ask, cap):
    resp = client.chat.completions.create(model=model, messages=ask(STORY), temperature=0)
    assert resp.usage.completion_tokens == cap
    assert resp.choices[0].finish_reason == "length"


@pytest.mark.live
def test_a_stream_without_a_limit_stops_at_the_default_cap(client, model, ask, cap):
    chunks = list(
        client.chat.completions.create(
            model=model,
            messages=ask(STORY),
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert chunks[-1].usage.completion_tokens == cap
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "length"


@pytest.mark.live
def test_an_explicit_limit_wins_over_the_default(client, model, ask, cap):
    resp = client.chat.completions.create(
        model=model, messages=ask(STORY), temperature=0, max_completion_tokens=3 * cap
    )
    assert resp.usage.completion_tokens == 3 * cap


@pytest.mark.live
def test_every_choice_gets_the_default_cap(client, model, ask, cap):
    resp = client.chat.completions.create(model=model, messages=ask(STORY), n=2, seed=1)
    assert resp.usage.completion_tokens <= 2 * cap
    assert all(c.finish_reason in ("stop", "length") for c in resp.choices)


@pytest.mark.live
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tool_choice_auto_without_a_limit_is_capped_too(client, model, seed, cap):
    messages = [
        {
            "role": "system",
            "content": "Don't make assumptions about what values to plug into functions.",
        },
        {"role": "user", "content": "What's the weather like today in Glasgow, Scotland?"},
    ]
    resp = client.chat.completions.create(
        model=model, messages=messages, tools=[WEATHER], seed=seed
    )
    assert resp.usage.completion_tokens <= cap
    choice = resp.choices[0]
    assert choice.finish_reason in ("stop", "length", "tool_calls")


def test_n_is_limited_by_the_local_budget_not_by_128_alone():
    base = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
    validate(
        base | {"n": 128, "max_completion_tokens": MAX_REQUEST_TOKENS // 128}, "m"
    )  # short answers: fine
    validate(
        base | {"n": MAX_REQUEST_TOKENS // DEFAULT_MAX_COMPLETION_TOKENS}, "m"
    )  # default cap: fine


# -- whitespace in constrained JSON ----------------------------------------------------
SCHEMAS = [
    tool_call_schema([WEATHER]),
    {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "score": {"type": "number"},
            "extra": {"type": "object"},
        },
    },
    {"type": "object", "additionalProperties": {"type": "integer"}},
    {},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=["tool-call", "nested", "map", "any"])
def test_schema_grammars_allow_one_space_and_no_raw_control_characters(schema):
    text = grammar_text(schema)
    rules = dict(line.split(" ::= ", 1) for line in text.strip().splitlines())
    assert rules["space"] == '" "?'
    assert "\\x00-\\x1F" in rules["char"]  # control characters (newline, tab) excluded from strings
    whitespace = re.compile(r"\[[^\]]*(\\n|\\t)[^\]]*\]|\"\\n\"|\"\\t\"")
    assert not [name for name, body in rules.items() if whitespace.search(body)]


@pytest.mark.live
def test_json_schema_strings_never_hold_raw_newlines_even_when_the_model_wants_them(client, model):
    """A bias towards newline and tab tokens: the old grammar let them fill the strings (invalid "
      "JSON)."""
    wants_whitespace = {str(i): 8 for text in ("\n", "\t", "\n\n", "\n ") for i in token_ids(text)}
    fmt = {
        "type": "json_schema",
        "json_schema": {
            "name": "note",
            "schema": {
                "type": "object",
                "properties": {"note": {"type": "string"}},
                "required": ["note"],
            },
        },
    }
    messages = [
        {"role": "system", "content": "You are a concise assistant."},
        {"role": "user", "content": "Describe the sea in JSON."},
    ]
    for seed in range(4):
        resp = client.chat.completions.create(
            model=model,
            messages=messages,
            seed=seed,
            max_completion_tokens=40,
            response_format=fmt,
            logit_bias=wants_whitespace,
        )
        text = resp.choices[0].message.content
        assert (
            "\n" not in text
            and "\t" not in text
            and "  " not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # strings as "": their own spaces are theirs
        )
        if resp.choices[0].finish_reason == "stop":
            assert isinstance(json.loads(text)["note"], str)
