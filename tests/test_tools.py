"""helpers.tools: schemas from signatures, argument validation, dispatch and the tool loop.

Most tests use scripted ChatCompletions (no model); the last ones run the loop on the
local model and check only structure.
"""

from __future__ import annotations

import json
from typing import Literal

import jsonschema
import pytest
from openai.types.chat import ChatCompletion

from helpers.fake_client import completion
from helpers.messages import assistant_message
from helpers.structured import strict_problems
from helpers.tools import (
    ToolArgumentError,
    Toolbox,
    named,
    run_tool_loop,
    tool_schema,
)


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
    """Current weather in a city.

    Args:
        city: The city, e.g. "Paris".
        unit: Temperature unit.
    """
    if city == "Atlantis":
        raise LookupError("no weather station there")
    return {"city": city, "temp": 21 if unit == "celsius" else 70, "unit": unit}


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def response(*, text: str | None = None, calls: list[tuple[str, str]] | None = None,
             finish: str | None = None) -> ChatCompletion:
    """A ChatCompletion answering in text or with tool calls given as (name, arguments)."""
    return completion(text, tool_calls=calls, finish=finish)


class ScriptedClient:
    """Answers each create() with the next scripted response and keeps the requests."""

    def __init__(self, *responses: ChatCompletion) -> None:
        self.responses, self.requests = list(responses), []
        self.chat = self.completions = self

    def create(self, **kwargs):
        self.requests.append(json.loads(json.dumps(kwargs)))  # a snapshot, as sent
        return self.responses.pop(0)


SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
QUESTION = [SYSTEM, {"role": "user", "content": "Weather in Paris?"}]


# -- schemas -----------------------------------------------------------------------------

def test_schema_from_signature_and_docstring():
    spec = tool_schema(get_weather)
    assert spec["type"] == "function"
    fn = spec["function"]
    assert fn["name"] == "get_weather" and fn["description"] == "Current weather in a city."
    assert fn["strict"] is True
    params = fn["parameters"]
    jsonschema.Draft202012Validator.check_schema(params)
    assert strict_problems(params) == []
    assert params["required"] == ["city", "unit"] and params["additionalProperties"] is False
    assert params["properties"]["city"] == {"type": "string", "description": 'The city, e.g. "Paris".'}
    assert params["properties"]["unit"]["anyOf"] == [
        {"type": "string", "enum": ["celsius", "fahrenheit"]}, {"type": "null"}]


def test_non_strict_schema_leaves_defaults_optional():
    params = tool_schema(get_weather, strict=False)["function"]["parameters"]
    assert params["required"] == ["city"]
    assert params["properties"]["unit"]["enum"] == ["celsius", "fahrenheit"]


def test_lists_and_optionals():
    def f(tags: list[str], limit: int | None = None) -> None:
        """F."""

    props = tool_schema(f)["function"]["parameters"]["properties"]
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["limit"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}


def test_unannotated_or_unsupported_parameters_are_refused():
    def untyped(x):
        """No types."""

    def odd(x: dict) -> None:
        """A dict."""

    with pytest.raises(TypeError, match="needs a type annotation"):
        tool_schema(untyped)
    with pytest.raises(TypeError, match="cannot describe"):
        tool_schema(odd)


# -- parsing and running ------------------------------------------------------------------

def test_decorator_registers_under_a_chosen_name():
    box = Toolbox()

    @box.tool(name="plus", description="Sum.")
    def _add(a: int, b: int) -> int:
        return a + b

    assert [t["function"]["name"] for t in box.tools] == ["plus"]
    assert box.run({"id": "c1", "function": {"name": "plus", "arguments": '{"a": 2, "b": 3}'}}) == {
        "role": "tool", "tool_call_id": "c1", "content": "5"}


@pytest.mark.parametrize(("arguments", "problem"), [
    ('{"city": "Paris"', "not valid JSON"),
    ('{"city": 3, "unit": null}', "3 is not of type 'string'"),
    ('{"unit": "celsius"}', "'city' is a required property"),
    ('{"city": "Paris", "unit": "kelvin"}', "unit"),
    ('{"city": "Paris", "unit": null, "x": 1}', "Additional properties"),
    ('["Paris"]', "not of type 'object'"),
])
def test_bad_arguments_are_named_precisely(arguments, problem):
    with pytest.raises(ToolArgumentError, match=problem):
        Toolbox(get_weather).parse("get_weather", arguments)


def test_null_means_use_the_default():
    box = Toolbox(get_weather)
    assert box.parse("get_weather", '{"city": "Oslo", "unit": null}') == {"city": "Oslo"}
    assert json.loads(box.run({"id": "c", "function": {"name": "get_weather",
                                                       "arguments": '{"city": "Oslo", "unit": null}'}})["content"]
                      ) == {"city": "Oslo", "temp": 21, "unit": "celsius"}


@pytest.mark.parametrize(("name", "arguments", "expected"), [
    ("get_weather", "{oops", "bad arguments for get_weather"),
    ("get_weather", '{"city": "Atlantis", "unit": null}', "get_weather failed: LookupError: no weather station"),
    ("teleport", "{}", "unknown tool 'teleport'"),
])
def test_errors_become_tool_results_not_exceptions(name, arguments, expected):
    message = Toolbox(get_weather).run({"id": "c9", "function": {"name": name, "arguments": arguments}})
    assert message["role"] == "tool" and message["tool_call_id"] == "c9"
    assert expected in json.loads(message["content"])["error"]


def test_run_all_answers_every_call_in_order():
    reply = response(calls=[("get_weather", '{"city": "Paris", "unit": null}'), ("add", '{"a": 1, "b": 2}')])
    results = Toolbox(get_weather, add).run_all(reply.choices[0].message)
    assert [r["tool_call_id"] for r in results] == ["call_0", "call_1"]
    assert results[1]["content"] == "3"


def test_assistant_message_keeps_tool_calls_as_returned():
    message = response(calls=[("add", '{"a": 1, "b": 2}')]).choices[0].message
    assert assistant_message(message) == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_0", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}]}
    assert assistant_message(response(text="hi").choices[0].message) == {"role": "assistant", "content": "hi"}


# -- the loop, scripted ---------------------------------------------------------------------

def test_loop_runs_the_tool_and_sends_the_result_back():
    client = ScriptedClient(response(calls=[("get_weather", '{"city": "Paris", "unit": null}')]),
                            response(text="It is 21 degrees."))
    seen = []
    result = run_tool_loop(client, "m", QUESTION, Toolbox(get_weather), on_call=lambda c, r: seen.append(r),
                           max_completion_tokens=20)
    assert result.answer == "It is 21 degrees." and result.rounds == 1
    assert [m["role"] for m in result.messages] == ["system", "user", "assistant", "tool", "assistant"]
    second = client.requests[1]
    assert second["messages"][3] == seen[0] and second["messages"][3]["tool_call_id"] == "call_0"
    assert second["max_completion_tokens"] == 20 and second["tools"][0]["function"]["name"] == "get_weather"
    assert len(QUESTION) == 2  # the caller's list is left alone


def test_loop_uses_one_tool_choice_per_round_then_forces_an_answer():
    call = response(calls=[("add", '{"a": 1, "b": 2}')])
    client = ScriptedClient(call, call, response(text="3"))
    result = run_tool_loop(client, "m", QUESTION, Toolbox(add), max_rounds=2,
                           tool_choice=[named("add"), "required"])
    assert [r["tool_choice"] for r in client.requests] == [named("add"), "required", "none"]
    assert result.rounds == 2 and result.answer == "3"


def test_loop_with_parallel_calls_sends_one_tool_message_per_call():
    client = ScriptedClient(response(calls=[("add", '{"a": 1, "b": 2}'), ("add", '{"a": 5, "b": "x"}')]),
                            response(text="done"))
    result = run_tool_loop(client, "m", QUESTION, Toolbox(add))
    tool_turns = [m for m in result.messages if m["role"] == "tool"]
    assert [t["tool_call_id"] for t in tool_turns] == ["call_0", "call_1"]
    assert tool_turns[0]["content"] == "3" and "error" in json.loads(tool_turns[1]["content"])


# -- the loop on the local model ------------------------------------------------------------

@pytest.mark.live
def test_loop_on_the_local_model_ends_in_text(client, model):
    messages = [SYSTEM, {"role": "user", "content": "What is the weather in Paris?"}]
    result = run_tool_loop(client, model, messages, Toolbox(get_weather), tool_choice=["required", "none"],
                           temperature=0, max_completion_tokens=40)
    roles = [m["role"] for m in result.messages]
    assert roles == ["system", "user", "assistant", "tool", "assistant"]
    call = result.messages[2]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather" and result.messages[3]["tool_call_id"] == call["id"]
    assert result.rounds == 1 and result.response.choices[0].message.tool_calls is None
    assert isinstance(result.answer, str)


@pytest.mark.live
def test_local_model_cannot_break_the_schema_of_a_strict_tool(client, model):
    """The local backend constrains calls with a grammar: arguments always parse and validate."""
    box = Toolbox(get_weather)
    resp = client.chat.completions.create(model=model, messages=QUESTION, tools=box.tools, tool_choice="required",
                                          n=4, seed=7, max_completion_tokens=40)
    for choice in resp.choices:
        if choice.finish_reason == "tool_calls":
            [call] = choice.message.tool_calls
            assert box.parse(call.function.name, call.function.arguments)["city"]
