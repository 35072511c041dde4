"""The scripted stand-in client (genuine ChatCompletion objects, calls recorded, runs out loudly) and the builders."""

from __future__ import annotations

import pytest
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob

from helpers.fake_client import (
    ScriptedClient,
    chunk,
    completion,
    delta,
    scripted_completion,
    token_logprob,
    tool_call,
    tool_call_delta,
    usage,
)


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


# -- the builders of SDK objects ----------------------------------------------------------------

def test_completion_has_one_choice_per_text_and_a_single_text_is_one_choice():
    many = completion(["a", None, "c"], finish="length", fingerprint="fp_x")
    assert isinstance(many, ChatCompletion) and many.system_fingerprint == "fp_x"
    assert [(c.index, c.message.content, c.finish_reason) for c in many.choices] == [
        (0, "a", "length"), (1, None, "length"), (2, "c", "length")]
    one = completion("only")
    assert [c.message.content for c in one.choices] == ["only"] and one.usage is None
    assert one.system_fingerprint is None and one.choices[0].logprobs is None
    assert one.choices[0].message.tool_calls is None and one.choices[0].message.annotations == []
    assert len(completion(None).choices) == 1


def test_completion_with_tool_calls_finishes_with_tool_calls_unless_told():
    r = completion(None, tool_calls=[("get_weather", '{"city": "Oslo"}'), ("add", "{}")])
    calls = r.choices[0].message.tool_calls
    assert r.choices[0].finish_reason == "tool_calls"
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("call_0", "get_weather", '{"city": "Oslo"}'), ("call_1", "add", "{}")]
    assert completion(None, tool_calls=[("add", "{}")], finish="length").choices[0].finish_reason == "length"


def test_completion_logprobs_refusal_and_usage():
    r = completion(["a", "b"], logprobs=[[-0.1], [-0.2, -0.3]], refusal="no",
                   usage=usage(7, 3, cached=4, reasoning=1))
    assert [[(t.token, t.logprob) for t in c.logprobs.content] for c in r.choices] == [
        [("t0", -0.1)], [("t0", -0.2), ("t1", -0.3)]]
    assert r.choices[1].message.refusal == "no"
    assert (r.usage.total_tokens, r.usage.prompt_tokens_details.cached_tokens,
            r.usage.completion_tokens_details.reasoning_tokens) == (10, 4, 1)


def test_usage_details_only_when_given():
    plain = usage(2, 3)
    assert isinstance(plain, CompletionUsage) and plain.total_tokens == 5
    assert plain.prompt_tokens_details is None and plain.completion_tokens_details is None


def test_token_logprob_with_alternatives():
    entry = token_logprob("Yes", -0.1, [("Yes", -0.1), (" no", -2.5)])
    assert isinstance(entry, ChatCompletionTokenLogprob) and (entry.token, entry.logprob) == ("Yes", -0.1)
    assert [(t.token, t.logprob) for t in entry.top_logprobs] == [("Yes", -0.1), (" no", -2.5)]


def test_chunks_carry_deltas_tool_call_fragments_and_usage():
    first = chunk([delta(role="assistant", content=""), delta(1, finish="stop", content="b")])
    assert isinstance(first, ChatCompletionChunk) and first.usage is None
    assert [(c.index, c.delta.content, c.finish_reason) for c in first.choices] == [(0, "", None), (1, "b", "stop")]
    calls = chunk([delta(tool_calls=[tool_call_delta(0, "", "call_a", "f"), tool_call_delta(0, "{}")])])
    opening, more = calls.choices[0].delta.tool_calls
    assert (opening.id, opening.type, opening.function.name, opening.function.arguments) == ("call_a", "function",
                                                                                             "f", "")
    assert (more.id, more.function.name, more.function.arguments) == (None, None, "{}")
    last = chunk([], usage(4, 1))
    assert last.choices == [] and last.usage.total_tokens == 5


def test_tool_call_is_a_function_tool_call():
    call = tool_call("f", '{"x": 1}', "call_9")
    assert (call.id, call.type, call.function.name, call.function.arguments) == ("call_9", "function", "f", '{"x": 1}')
