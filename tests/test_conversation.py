"""Conversation: history grows only on success; trim and summarise keep it within a budget."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from helpers.conversation import SUMMARY_PREFIX, Conversation, split_turns
from helpers.fake_client import completion
from helpers.messages import assistant_message
from helpers.tokens import count_messages


def words(messages: list[dict]) -> int:
    """A stand-in token counter for synthetic histories: one 'token' per word."""
    return sum(len(str(m.get("content") or "").split()) + 1 for m in messages)


def answering(text: str, seen: list | None = None) -> openai.OpenAI:
    """A real SDK client whose transport answers every request with ``text``."""

    def backend(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        if seen is not None:
            seen.append(body)
        prompt = sum(len(str(m.get("content")).split()) for m in body["messages"])
        if body.get("stream"):  # the same answer as OpenAI streams it: a role, text, usage
            base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
            events = [base | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                                           "finish_reason": "stop"}]},
                      base | {"choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": 2,
                                                       "total_tokens": prompt + 2}}]
            content = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=content.encode())
        return httpx2.Response(200, json={
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": 2, "total_tokens": prompt + 2}})

    return openai.OpenAI(api_key="test", base_url="http://test/v1", max_retries=0,
                         http_client=httpx2.Client(transport=httpx2.MockTransport(backend)))


def unreachable() -> openai.OpenAI:
    """A real SDK client whose every request fails to connect."""

    def backend(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("network is down", request=request)

    return openai.OpenAI(api_key="test", base_url="http://test/v1", max_retries=0,
                         http_client=httpx2.Client(transport=httpx2.MockTransport(backend)))


def history(turns: int, system: str = "Be brief.") -> Conversation:
    conv = Conversation(system, model="m")
    for i in range(turns):
        conv.messages += [{"role": "user", "content": f"question {i} " + "word " * 5},
                          {"role": "assistant", "content": f"answer {i} " + "word " * 8}]
    return conv


# -- send -------------------------------------------------------------------------------------

@pytest.mark.live
def test_send_keeps_the_user_turn_and_the_reply(client, model):
    conv = Conversation("You are a concise assistant.")
    response = conv.send(client, model, "Name a colour.", max_completion_tokens=8, seed=1)
    assert [m["role"] for m in conv.messages] == ["system", "user", "assistant"]
    assert conv.messages[-1]["content"] == response.choices[0].message.content
    assert conv.prompt_tokens == [response.usage.prompt_tokens]
    second = conv.send(client, model, "Another one.", max_completion_tokens=8, seed=1)
    assert len(conv.messages) == 5 and second.usage.prompt_tokens > response.usage.prompt_tokens
    assert conv.tokens(lambda m: count_messages(m[:-1], model).tokens) == second.usage.prompt_tokens


def test_a_connection_error_leaves_the_history_unchanged():
    conv = history(2)
    before = [dict(m) for m in conv.messages]
    with pytest.raises(openai.APIConnectionError):
        conv.send(unreachable(), "m", "Are you there?")
    assert conv.messages == before and conv.prompt_tokens == []


def test_a_bad_request_leaves_the_history_unchanged(client, model):
    conv = Conversation("Be brief.")
    with pytest.raises(openai.BadRequestError):
        conv.send(client, model, "Hi", temperature=5)
    assert conv.messages == [{"role": "system", "content": "Be brief."}]


def test_send_refuses_to_stream_without_touching_the_history():
    conv = history(1)
    with pytest.raises(ValueError, match="append"):
        conv.send(answering("x"), "m", "hi", stream=True)
    assert len(conv.messages) == 3


def test_the_request_carries_the_whole_history():
    seen: list = []
    conv = history(1)
    conv.send(answering("ok", seen), "m", "next")
    assert seen[0]["messages"] == conv.messages[:-1]
    assert conv.messages[-1] == {"role": "assistant", "content": "ok"}


def test_the_reply_keeps_tool_calls_and_drops_sdk_extras():
    msg = completion(None, tool_calls=[("f", "{}")]).choices[0].message  # refusal and annotations too
    assert assistant_message(msg) == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_0", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}


def test_developer_instructions_and_a_bad_role():
    assert Conversation("x", role="developer").messages == [{"role": "developer", "content": "x"}]
    with pytest.raises(ValueError):
        Conversation("x", role="user")
    with pytest.raises(ValueError, match="count"):
        Conversation("x").tokens()


# -- trim -------------------------------------------------------------------------------------

def test_split_turns_starts_a_turn_at_each_user_message():
    conv = history(3)
    head, turns = split_turns(conv.messages)
    assert head == [conv.messages[0]] and len(turns) == 3
    assert all(t[0]["role"] == "user" for t in turns)


def test_trim_drops_the_oldest_turns_and_keeps_the_system_message():
    conv = history(6)
    budget = words(conv.messages) // 2
    dropped = conv.trim(budget, count=words)
    assert dropped > 0 and words(conv.messages) <= budget
    assert conv.messages[0] == {"role": "system", "content": "Be brief."}
    assert conv.messages[1]["content"].startswith(f"question {dropped} ")
    assert conv.messages[-1]["content"].startswith("answer 5 ")


def test_trim_within_budget_changes_nothing():
    conv = history(3)
    before = list(conv.messages)
    assert conv.trim(10_000, count=words) == 0 and conv.messages == before


def test_trim_never_splits_a_tool_call_from_its_result():
    conv = history(1)
    call = {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}
    conv.messages += [{"role": "user", "content": "weather?"},
                      {"role": "assistant", "content": None, "tool_calls": [call]},
                      {"role": "tool", "tool_call_id": "c1", "content": "sunny " * 30},
                      {"role": "assistant", "content": "It is sunny."},
                      {"role": "user", "content": "thanks"}, {"role": "assistant", "content": "welcome"}]
    for budget in range(0, words(conv.messages) + 1, 3):
        trial = Conversation("Be brief.", model="m")
        trial.messages = list(conv.messages)
        trial.trim(budget, count=words)
        roles = [m["role"] for m in trial.messages]
        for i, role in enumerate(roles):
            if role == "tool":
                assert roles[i - 1] == "assistant" and trial.messages[i - 1].get("tool_calls")
        assert roles[0] == "system"


def test_a_tiny_budget_leaves_only_the_instructions():
    conv = history(4)
    conv.trim(1, count=words)
    assert conv.messages == [{"role": "system", "content": "Be brief."}]


def test_trim_counts_real_tokens_with_the_conversation_model(model):
    conv = history(5)
    conv.model = model
    budget = conv.tokens() - 10
    conv.trim(budget)
    assert conv.tokens() <= budget and len(split_turns(conv.messages)[1]) == 4


# -- summarise --------------------------------------------------------------------------------

def test_summarise_replaces_older_turns_by_a_note_after_the_instructions():
    seen: list = []
    conv = history(5)
    summary = conv.summarise(answering("They talked about words.", seen), "m", budget=60, count=words)
    assert summary == "They talked about words."
    assert conv.messages[0] == {"role": "system", "content": "Be brief."}
    assert conv.messages[1] == {"role": "system", "content": SUMMARY_PREFIX + "They talked about words."}
    assert conv.messages[2]["content"].startswith("question 4 ")  # the newest turn is kept whole
    assert len(conv.messages) == 4 and words(conv.messages) <= 60
    assert [u.completion_tokens for u in conv.summary_usage] == [2]
    transcript = seen[0]["messages"][-1]["content"]
    assert transcript.startswith("Summarize") and "User: question 0" in transcript and "question 4" not in transcript


def test_a_second_summary_folds_in_the_first():
    seen: list = []
    conv = history(5)
    conv.summarise(answering("first summary", seen), "m", budget=60, count=words)
    conv.messages += history(3).messages[1:]
    conv.summarise(answering("second summary", seen), "m", budget=60, count=words)
    notes = [m for m in conv.messages if str(m["content"]).startswith(SUMMARY_PREFIX)]
    assert notes == [{"role": "system", "content": SUMMARY_PREFIX + "second summary"}]
    assert SUMMARY_PREFIX + "first summary" in seen[1]["messages"][-1]["content"]


def test_summarise_within_budget_makes_no_call():
    seen: list = []
    conv = history(2)
    assert conv.summarise(answering("x", seen), "m", budget=10_000, count=words) is None
    assert seen == []


def test_a_failing_summary_call_leaves_the_history_unchanged():
    conv = history(5)
    before = list(conv.messages)
    with pytest.raises(openai.APIConnectionError):
        conv.summarise(unreachable(), "m", budget=30, count=words)
    assert conv.messages == before


def test_summarise_uses_the_instruction_role_and_trims_if_still_over():
    conv = history(5)
    conv.role = "developer"
    conv.messages[0]["role"] = "developer"
    conv.summarise(answering("long " * 200), "m", budget=80, count=words)
    assert conv.messages[1]["role"] == "developer"
    assert [m["role"] for m in conv.messages] == ["developer", "developer"]  # the newest turn was trimmed


@pytest.mark.live
def test_summarise_live_on_the_local_model(client, model):
    conv = history(6)
    conv.model = model
    before = conv.tokens()
    summary = conv.summarise(client, model, before // 2, temperature=0, max_completion_tokens=40)
    assert isinstance(summary, str) and summary
    assert conv.messages[1] == {"role": "system", "content": SUMMARY_PREFIX + summary}
    assert conv.tokens() <= before // 2 and conv.summary_usage[0].completion_tokens <= 40
