"""The scripted stand-in client: genuine ChatCompletion objects, calls recorded, runs out loudly."""

from __future__ import annotations

import pytest
from openai.types.chat import ChatCompletion

from helpers.fake_client import ScriptedClient, scripted_completion


def test_replies_follow_the_script_and_calls_are_recorded():
    client = ScriptedClient([("Once upon", "length"), (" a time.", "stop")])
    first = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "Tell a story"}])
    second = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "Go on"}])
    assert isinstance(first, ChatCompletion)
    assert (first.choices[0].message.content, first.choices[0].finish_reason) == ("Once upon", "length")
    assert (second.choices[0].message.content, second.choices[0].finish_reason) == (" a time.", "stop")
    assert [c["messages"][0]["content"] for c in client.calls] == ["Tell a story", "Go on"]


def test_recorded_calls_are_copies():
    client = ScriptedClient([("x", "stop")])
    messages = [{"role": "user", "content": "one two"}]
    client.chat.completions.create(messages=messages)
    messages.append({"role": "user", "content": "changed later"})
    assert len(client.calls[0]["messages"]) == 1


def test_usage_counts_words_and_adds_up():
    client = ScriptedClient([("three little words", "stop")])
    usage = client.chat.completions.create(messages=[{"role": "user", "content": "a b c d"}]).usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (4, 3, 7)


def test_running_out_of_script_is_an_error_that_says_why():
    client = ScriptedClient([("x", "length")])
    client.chat.completions.create(messages=[])
    with pytest.raises(RuntimeError, match="does not stop"):
        client.chat.completions.create(messages=[])


def test_scripted_completion_can_show_a_reasoning_model_that_ran_out():
    r = scripted_completion("", "length", completion_tokens=64, reasoning_tokens=64)
    assert r.choices[0].message.content == "" and r.choices[0].finish_reason == "length"
    assert r.usage.completion_tokens_details.reasoning_tokens == r.usage.completion_tokens == 64
