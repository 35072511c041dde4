"""The model facts read from the installed SDK, and speed measured only on live calls."""

from __future__ import annotations

import re

import pytest

from helpers import make_client
from helpers.model_catalog import (
    Speed,
    chat_model_ids,
    deprecation_note,
    is_reasoning_model,
    measure_speed,
    model_field_doc,
    sampling_extra,
    shutdown_of,
    shutdowns,
)


def test_the_note_is_the_sdks_own_text():
    note = deprecation_note()
    assert note.startswith("Deprecated values:") and '"gpt-4o-mini"' in note


def test_every_quoted_id_in_the_note_gets_a_date_or_a_note():
    quoted = set(re.findall(r'"([^"]+)"', deprecation_note()))
    assert quoted == set(shutdowns()) and len(quoted) > 20
    dated = [v for v in shutdowns().values() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)]
    assert len(dated) >= len(quoted) - 2


def test_deprecated_ids_are_ids_the_sdk_lists():
    assert set(shutdowns()) <= set(chat_model_ids())


def test_the_tutorials_gpt_4o_mini_has_an_announced_shutdown():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shutdown_of("gpt-4o-mini"))
    assert shutdown_of("gpt-4o-mini") == shutdown_of("gpt-4o-mini-2024-07-18")
    assert shutdown_of("SmolLM2-135M-Instruct") is None
    assert "Not a supported model ID" in shutdown_of("gpt-5.1-mini")


def test_reasoning_family_follows_the_sdks_wording():
    assert is_reasoning_model("gpt-5.4-mini") and is_reasoning_model("o3") and is_reasoning_model("o4-mini")
    assert is_reasoning_model("gpt-4o-mini") is False and is_reasoning_model("gpt-4.1-nano") is False
    assert is_reasoning_model("SmolLM2-135M-Instruct") is None and is_reasoning_model("gpt-6-astra") is None


def test_chat_latest_ids_are_the_non_reasoning_chat_models():
    for model in ("gpt-5-chat-latest", "gpt-5.1-chat-latest", "gpt-5.2-chat-latest", "gpt-5.3-chat-latest"):
        assert model in chat_model_ids() and is_reasoning_model(model) is False, model
    assert is_reasoning_model("gpt-5.1") and is_reasoning_model("gpt-5-mini")


def test_sampling_extra_asks_gpt_5_1_and_later_for_no_reasoning():
    for model in ("gpt-5.4-mini", "gpt-5.4-nano", "gpt-5.1", "gpt-5.2", "gpt-5.4", "gpt-5.4-nano-2026-03-17"):
        assert sampling_extra(model) == {"reasoning_effort": "none"}, model


def test_sampling_extra_is_empty_where_none_is_not_the_fix():
    # The local model and OpenAI's non-reasoning models take sampling parameters as they are;
    # gpt-5/-mini/-nano and the o-series refuse them at any effort, and refuse "none" too.
    for model in ("SmolLM2-135M-Instruct", "gpt-4.1-mini", "gpt-4o-mini", "gpt-5-chat-latest",
                  "gpt-5.2-chat-latest", "gpt-5", "gpt-5-mini", "o3", "o4-mini", "gpt-5.1-codex",
                  "gpt-5.1-mini", "gpt-6-astra", ""):
        assert sampling_extra(model) == {}, model
    extra = sampling_extra("gpt-5.4-mini")
    extra["reasoning_effort"] = "low"  # a fresh dict each time: callers may change theirs
    assert sampling_extra("gpt-5.4-mini") == {"reasoning_effort": "none"}


@pytest.mark.live
def test_speed_is_timed_live_and_not_under_replay(model):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Count to five."}]
    response, live = measure_speed(make_client("local", replay="record"), model, messages,
                                   max_completion_tokens=12, seed=3)
    assert live.source == "live" and live.seconds > 0 and live.tokens_per_second > 0
    assert live.completion_tokens == response.usage.completion_tokens
    assert "tokens/s (live)" in str(live)
    from helpers.replay import reset_counters

    reset_counters()
    again, replayed = measure_speed(make_client("local", replay="strict"), model, messages,
                                    max_completion_tokens=12, seed=3)
    assert replayed == Speed(live.completion_tokens, None, "recording")
    assert replayed.tokens_per_second is None and "no timing" in str(replayed)
    assert again.choices[0].message.content == response.choices[0].message.content


def test_model_field_docs_come_from_the_sdk():
    assert "shut down" in model_field_doc("shutdown_date")
    import pytest

    with pytest.raises(KeyError):
        model_field_doc("context_window")
