"""Streams are rebuilt from their chunks, timed, shown in place, and closed when reading stops."""

from __future__ import annotations

import itertools

import pytest

import helpers.local.chat
from helpers.fake_client import chunk, delta, tool_call_delta, usage
from helpers.streaming import StreamResult, collect, stream_to_display

USAGE = usage(9, 3)
TEXT_STREAM = [
    chunk([delta(role="assistant", content="")]),
    chunk([delta(content="Hel")]),
    chunk([delta(content="lo")]),
    chunk([delta(content=None)]),
    chunk([delta(content="!")]),
    chunk([delta(finish="stop")]),
    chunk([], USAGE),
]


# The way OpenAI sends two parallel calls: id and name first, then the arguments in pieces.
TOOL_STREAM = [
    chunk([delta(role="assistant", content=None)]),
    chunk([delta(tool_calls=[tool_call_delta(0, "", "call_a", "get_weather")])]),
    chunk([delta(tool_calls=[tool_call_delta(0, '{"city": ')])]),
    chunk([delta(tool_calls=[tool_call_delta(1, "", "call_b", "get_time")])]),
    chunk([delta(tool_calls=[tool_call_delta(0, '"Paris"}')])]),
    chunk([delta(tool_calls=[tool_call_delta(1, '{"zone": "CET"}')])]),
    chunk([delta(finish="tool_calls")]),
]


def test_text_role_finish_reason_and_usage_are_rebuilt():
    result = collect(TEXT_STREAM)
    assert (result.text, result.role, result.finish_reason) == ("Hello!", "assistant", "stop")
    assert result.usage.completion_tokens == 3 and result.chunks == 7
    assert result.message() == {"role": "assistant", "content": "Hello!"}


def test_tool_call_fragments_are_joined_by_index():
    result = collect(TOOL_STREAM)
    assert result.text == "" and result.finish_reason == "tool_calls"
    assert result.tool_calls == [
        {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
        {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": '{"zone": "CET"}'}},
    ]
    assert result.message() == {"role": "assistant", "content": None, "tool_calls": result.tool_calls}


def test_other_choices_are_skipped():
    stream = [chunk([delta(0, content="a"), delta(1, content="b")]), chunk([delta(1, finish="length")])]
    result = collect(stream)
    assert result.text == "a" and result.finish_reason is None


def test_time_to_first_token_counts_from_the_first_text_not_the_role_chunk():
    ticks = itertools.count(100.0, 1.0)  # the clock advances one second per reading
    result = collect(TEXT_STREAM, started=90.0, clock=lambda: next(ticks))
    assert result.first_token_s == 100.0 - 90.0  # read while handling the second chunk
    assert result.total_s == 101.0 - 90.0


def test_no_text_means_no_first_token_time():
    result = collect([chunk([delta(role="assistant")]), chunk([delta(finish="length")])])
    assert result.first_token_s is None and result.message()["content"] == ""


def test_on_text_sees_the_text_so_far():
    seen: list[str] = []
    collect(TEXT_STREAM, on_text=seen.append)
    assert seen == ["Hel", "Hello", "Hello!"]


class FakeStream:
    def __init__(self, chunks):
        self.chunks, self.closed = chunks, False

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        self.closed = True


def test_the_stream_is_closed_even_when_reading_is_interrupted():
    stream = FakeStream(TEXT_STREAM)

    def interrupt(text):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(stream, on_text=interrupt)
    assert stream.closed


def test_stream_to_display_updates_one_output_in_place(monkeypatch):
    shown: list[object] = []

    class Handle:
        def update(self, obj, raw=False):
            shown.append(obj)

    def display(obj, display_id=False, raw=False):
        assert display_id is True
        shown.append(obj)
        return Handle()

    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", display)
    result = stream_to_display(FakeStream(TEXT_STREAM), markdown=False, every=0)
    assert isinstance(result, StreamResult) and result.text == "Hello!"
    assert shown[0] == {"text/plain": "…"} and shown[-1] == {"text/plain": "Hello!"}
    assert {"text/plain": "Hel"} in shown


def test_stream_to_display_outside_ipython_prints_the_text(capsys):
    assert stream_to_display(iter(TEXT_STREAM)).text == "Hello!"
    assert capsys.readouterr().out == "Hello!\n"


# -- on the embedded model ---------------------------------------------------------------

@pytest.mark.live
def test_a_stream_says_what_the_same_call_says_unstreamed(client, model, ask):
    kwargs = dict(model=model, messages=ask("Name three colours."), max_completion_tokens=12, seed=7)
    whole = client.chat.completions.create(**kwargs)
    result = collect(client.chat.completions.create(**kwargs, stream=True, stream_options={"include_usage": True}))
    assert result.text == whole.choices[0].message.content
    assert result.finish_reason == whole.choices[0].finish_reason
    assert result.usage.completion_tokens == whole.usage.completion_tokens
    assert 0 < result.first_token_s <= result.total_s


@pytest.mark.live
def test_tool_calls_stream_and_rebuild(client, model, ask):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    stream = client.chat.completions.create(model=model, messages=ask("Weather in Paris?"), tools=tools,
                                            tool_choice="required", max_completion_tokens=40, seed=1, stream=True)
    result = collect(stream)
    assert result.finish_reason == "tool_calls" and result.text == ""
    assert result.tool_calls[0]["function"]["name"] == "get_weather"
    assert result.tool_calls[0]["id"].startswith("call_")


@pytest.mark.live
def test_closing_a_stream_early_stops_the_local_model(client, model, ask, monkeypatch):
    pieces = {"n": 0}
    real = helpers.local.chat.generate

    def counting(*args, **kwargs):
        gen = real(*args, **kwargs)
        while True:
            try:
                piece = next(gen)
            except StopIteration as stop:
                return stop.value
            pieces["n"] += 1
            yield piece

    monkeypatch.setattr(helpers.local.chat, "generate", counting)
    kwargs = dict(model=model, messages=ask("Tell a long story about a cat."), max_completion_tokens=64, seed=3)
    full = client.chat.completions.create(**kwargs)
    assert full.usage.completion_tokens > 20, "the prompt should give a long answer"
    assert pieces["n"] > 20  # the counter sees the model's pieces
    pieces["n"] = 0
    with client.chat.completions.create(**kwargs, stream=True) as stream:
        for i, _ in enumerate(stream):
            if i == 3:
                break
    assert stream.response.is_closed
    assert 3 <= pieces["n"] <= 4  # three text chunks read (after the role chunk), at most one ahead
    # and the model is free again: the next request does not find the stream still open
    assert client.chat.completions.create(**kwargs).choices[0].message.content == full.choices[0].message.content
