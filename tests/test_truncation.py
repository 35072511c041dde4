"""Truncation helpers: offline against a scripted client, plus one live run on the local model."""

from __future__ import annotations

import pytest

from helpers.fake_client import ScriptedClient, scripted_completion
from helpers.truncation import (
    CONTINUE_PROMPT,
    continue_until_done,
    is_truncated,
    retry_with_larger_limit,
)

QUESTION = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Tell a story."}]


@pytest.mark.parametrize(("text", "finish", "cut"), [
    ("Looks finished.", "length", True),   # the text cannot tell you
    ("no full stop at the end", "stop", False),
    ("", "length", True),                  # a reasoning model that spent the limit on reasoning
    (None, "tool_calls", False),
])
def test_is_truncated_reads_finish_reason_only(text, finish, cut):
    assert is_truncated(scripted_completion(text, finish)) is cut


def test_continue_sends_the_partial_answer_back_and_asks_to_go_on():
    client = ScriptedClient([("Once upon", "length"), (" a time", "length"), (" the end.", "stop")])
    done = continue_until_done(client, messages=QUESTION, model="m", max_completion_tokens=2)
    assert (done.text, done.finish_reason, done.calls) == ("Once upon a time the end.", "stop", 3)
    assert client.calls[0]["messages"] == QUESTION
    assert client.calls[1]["messages"] == [*QUESTION, {"role": "assistant", "content": "Once upon"},
                                           {"role": "user", "content": CONTINUE_PROMPT}]
    assert client.calls[2]["messages"][-2] == {"role": "assistant", "content": "Once upon a time"}
    assert all(c["model"] == "m" and c["max_completion_tokens"] == 2 for c in client.calls)
    assert len(QUESTION) == 2  # the caller's list is untouched


def test_continue_gives_up_after_max_rounds_and_says_it_is_still_cut():
    client = ScriptedClient([("a", "length")] * 5)
    done = continue_until_done(client, messages=QUESTION, max_rounds=2)
    assert (done.text, done.finish_reason, done.calls) == ("aa", "length", 2)


def test_continue_does_not_call_again_when_the_first_answer_is_whole():
    client = ScriptedClient([("Done.", "stop")])
    assert continue_until_done(client, messages=QUESTION).calls == 1


def test_usage_adds_up_over_every_call():
    client = ScriptedClient([("one two", "length"), ("three", "stop")])
    done = continue_until_done(client, messages=QUESTION)
    assert done.completion_tokens == 3
    assert done.prompt_tokens == sum(r.usage.prompt_tokens for r in done.responses)
    assert done.responses[1].usage.prompt_tokens > done.responses[0].usage.prompt_tokens  # history grows


def test_max_rounds_below_one_is_refused():
    with pytest.raises(ValueError, match="max_rounds"):
        continue_until_done(ScriptedClient([]), messages=QUESTION, max_rounds=0)


def test_retry_raises_the_limit_until_the_answer_fits():
    client = ScriptedClient([("Once", "length"), ("Once upon", "length"), ("Once upon a time.", "stop")])
    done = retry_with_larger_limit(client, messages=QUESTION, limits=(1, 2, 8), model="m")
    assert (done.text, done.finish_reason, done.calls) == ("Once upon a time.", "stop", 3)
    assert [c["max_completion_tokens"] for c in client.calls] == [1, 2, 8]
    assert all(c["messages"] == QUESTION for c in client.calls)
    assert done.completion_tokens == 1 + 2 + 4  # the cut attempts are billed too


def test_retry_keeps_the_last_cut_answer_when_every_limit_is_too_small():
    client = ScriptedClient([("a", "length"), ("a b", "length")])
    done = retry_with_larger_limit(client, messages=QUESTION, limits=(1, 2))
    assert (done.text, done.finish_reason) == ("a b", "length")


@pytest.mark.parametrize("kwargs", [{"limits": ()}, {"limits": (0, 5)}, {"max_completion_tokens": 5},
                                    {"max_tokens": 5}])
def test_retry_refuses_limits_it_cannot_use(kwargs):
    with pytest.raises(ValueError):
        retry_with_larger_limit(ScriptedClient([]), messages=QUESTION, **kwargs)


@pytest.mark.live
def test_continue_works_on_the_local_model(client, model, ask):
    done = continue_until_done(client, messages=ask("Give three tips for learning to cook."), model=model,
                               max_completion_tokens=4, temperature=0, max_rounds=2)
    assert done.calls == 2 and done.responses[0].choices[0].finish_reason == "length"
    assert done.text.startswith(done.responses[0].choices[0].message.content)
    assert done.completion_tokens == sum(r.usage.completion_tokens for r in done.responses) <= 8
