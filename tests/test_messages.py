"""helpers.messages: one assistant turn to send back, the same from a response and from a stream."""

from __future__ import annotations

from openai.types.chat import ChatCompletionMessage

from helpers.fake_client import chunk, completion, delta, tool_call_delta
from helpers.messages import assistant_message, assistant_turn, tool_call_dict
from helpers.streaming import collect

CALL = {"id": "call_0", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}


def test_a_text_reply_is_role_and_content_only():
    message = completion("Hello.").choices[0].message  # it also carries refusal=None and annotations=[]
    assert assistant_message(message) == {"role": "assistant", "content": "Hello."}


def test_a_tool_call_reply_keeps_content_none_and_its_calls_in_the_api_shape():
    message = completion(None, tool_calls=[("add", '{"a": 1, "b": 2}')]).choices[0].message
    turn = assistant_message(message)
    assert turn == {"role": "assistant", "content": None, "tool_calls": [CALL]}
    assert list(turn["tool_calls"][0]) == ["id", "type", "function"]  # the order lesson 09 prints
    assert list(turn["tool_calls"][0]["function"]) == ["name", "arguments"]


def test_no_text_and_no_call_becomes_empty_content():
    """The API refuses an assistant message with neither; a refusal has content None."""
    refused = completion(None, refusal="I can't help with that.").choices[0].message
    assert assistant_message(refused) == {"role": "assistant", "content": ""}
    assert assistant_turn(None) == {"role": "assistant", "content": ""}
    assert assistant_turn("") == {"role": "assistant", "content": ""}


def test_fields_a_server_adds_to_a_call_are_not_sent_back():
    message = ChatCompletionMessage.model_validate({"role": "assistant", "content": None,
                                                    "tool_calls": [{**CALL, "index": 0}]})
    assert message.tool_calls[0].model_dump()["index"] == 0
    assert assistant_message(message)["tool_calls"] == [CALL]


def test_a_custom_tool_call_goes_back_as_returned():
    custom = {"id": "call_c", "type": "custom", "custom": {"name": "grep", "input": "TODO"}}
    message = ChatCompletionMessage.model_validate({"role": "assistant", "content": None, "tool_calls": [custom]})
    assert assistant_message(message)["tool_calls"] == [custom]
    assert tool_call_dict(custom) == custom and tool_call_dict(custom) is not custom


def test_a_streamed_reply_and_the_same_reply_whole_give_the_same_turn():
    stream = [chunk([delta(role="assistant", content=None)]),
              chunk([delta(tool_calls=[tool_call_delta(0, "", "call_0", "add")])]),
              chunk([delta(tool_calls=[tool_call_delta(0, '{"a": 1, "b": 2}')])]),
              chunk([delta(finish="tool_calls")])]
    whole = completion(None, tool_calls=[("add", '{"a": 1, "b": 2}')]).choices[0].message
    assert collect(stream).message() == assistant_message(whole) == assistant_turn(None, [CALL])
    text = [chunk([delta(role="assistant", content="")]), chunk([delta(content="Hi")]), chunk([delta(finish="stop")])]
    assert collect(text).message() == assistant_message(completion("Hi").choices[0].message)

